"""In-app notifications and task watchers.

Both belong to one organization (``TenantScoped``): a person sees them only while
scoped to an organization they still belong to, so leaving one hides its items.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from taskmanager.accounts.models import User
from taskmanager.db import utcnow
from taskmanager.extensions import Model
from taskmanager.tasks.models import Task
from taskmanager.tenancy import TenantScoped


class Notification(Model, TenantScoped):
    """One event told to one person: the bell's list.

    ``key`` names the event and its recipient, as the email of the same event does,
    so an event is recorded once however often it is reported.
    """

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_id_read_at", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    excerpt: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    task: Mapped[Task] = relationship(lazy="joined", innerjoin=True)
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="joined")


class TaskWatcher(Model, TenantScoped):
    """Someone following a task: they hear about its comments and its completion."""

    __tablename__ = "task_watchers"

    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    task: Mapped[Task] = relationship()
