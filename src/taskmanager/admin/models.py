"""The record of what staff did from /admin."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from taskmanager.db import utcnow
from taskmanager.extensions import Model


class StaffAction(Model):
    """One staff action, append-only. The email is copied so the record outlives the account."""

    __tablename__ = "staff_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    staff_email: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(60))  # "user.deactivated", ...
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None]
    target_label: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
