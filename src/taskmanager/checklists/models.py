from __future__ import annotations

from datetime import date

from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from taskmanager.accounts.models import User
from taskmanager.db import TimestampMixin
from taskmanager.extensions import Model
from taskmanager.tasks.models import Task
from taskmanager.tenancy import TenantScoped


class ChecklistItem(Model, TenantScoped, TimestampMixin):
    """One step of a task's checklist; ``position`` numbers a task's items 0, 1, 2...

    Converted into a task of its own, the item stays (ticked or not) and points to it
    through ``converted_task_id``; that task finds its origin the same way.
    """

    __tablename__ = "checklist_items"
    __table_args__ = (Index("ix_checklist_items_task_position", "task_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    done: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_on: Mapped[date | None] = mapped_column(Date)
    converted_task_id: Mapped[int | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="SET NULL"), index=True
    )
    # Bumped by every change (see services.update_item); the API's ETag.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    task: Mapped[Task] = relationship(foreign_keys=[task_id])
    assignee: Mapped[User | None] = relationship(lazy="joined")
    converted_task: Mapped[Task | None] = relationship(foreign_keys=[converted_task_id])
