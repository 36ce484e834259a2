"""A person's own data exports: one JSON archive per request, for that person only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from taskmanager.db import utcnow
from taskmanager.extensions import Model


class DataExport(Model):
    """An archive of everything a user owns or wrote; not a tenant's row but the user's."""

    __tablename__ = "data_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # queued -> done | failed
    state: Mapped[str] = mapped_column(String(16), default="queued")
    archive: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
