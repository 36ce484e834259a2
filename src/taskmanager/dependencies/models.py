from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from taskmanager.db import utcnow
from taskmanager.extensions import Model
from taskmanager.tasks.models import Task
from taskmanager.tenancy import TenantScoped


class TaskDependency(Model, TenantScoped):
    """``blocker`` blocks ``blocked``: the blocked task waits until the blocker is done.

    Both tasks belong to the link's organization (any of its projects); the links
    never form a loop (services.add_dependency refuses one).
    """

    __tablename__ = "task_dependencies"
    __table_args__ = (
        UniqueConstraint("blocker_id", "blocked_id"),
        CheckConstraint("blocker_id <> blocked_id", name="not_itself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    blocked_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    blocker: Mapped[Task] = relationship(foreign_keys=[blocker_id], lazy="joined", innerjoin=True)
    blocked: Mapped[Task] = relationship(foreign_keys=[blocked_id], lazy="joined", innerjoin=True)
