from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from taskmanager.accounts.models import User
from taskmanager.db import utcnow
from taskmanager.extensions import Model
from taskmanager.tenancy import TenantScoped


class ActivityEvent(Model, TenantScoped):
    """Append-only: who did what to which object, with each changed field's old and new."""

    __tablename__ = "activity_events"
    __table_args__ = (Index("ix_activity_org_created", "organization_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verb: Mapped[str] = mapped_column(String(40))  # "task.updated", "member.invited", ...
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int]
    subject_title: Mapped[str] = mapped_column(String(200), default="")
    task_id: Mapped[int | None] = mapped_column(index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="joined")
