from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean
from sqlalchemy import Column
from sqlalchemy import ColumnElement
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import Text
from sqlalchemy import and_
from sqlalchemy import cast
from sqlalchemy import column
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import table
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import column_property
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from sqlalchemy.orm import undefer_group

from taskmanager.accounts.models import User
from taskmanager.db import TimestampMixin
from taskmanager.extensions import Model
from taskmanager.projects.models import Label
from taskmanager.projects.models import Project
from taskmanager.tenancy import TenantScoped


class Status(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def label(self) -> str:
        return {"todo": "To do", "in_progress": "In progress", "done": "Done"}[self.value]


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return list(Priority).index(self)


task_labels = Table(
    "task_labels",
    Model.metadata,
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("label_id", ForeignKey("labels.id", ondelete="CASCADE"), primary_key=True),
)


class Comment(Model, TenantScoped, TimestampMixin):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    edited: Mapped[bool] = mapped_column(default=False)
    # Bumped by every edit (see comments.update_comment); the API's ETag.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    author: Mapped[User | None] = relationship(lazy="joined")


_ATTACHMENTS = table("attachments", column("id"), column("task_id"))
# Named, not imported, for the same reason (notifications/models.py imports this module).
_WATCHERS = table("task_watchers", column("task_id"), column("user_id"), column("organization_id"))
_MEMBERS = table("memberships", column("organization_id"), column("user_id"))
# Checklists and dependencies (their own packages) import this module: their tables
# are named here for the marks a card shows (progress "3/5", "blocked").
_CHECKLIST = table("checklist_items", column("id"), column("task_id"), column("done", Boolean))
_LINKS = table("task_dependencies", column("blocker_id"), column("blocked_id"))
_BLOCKERS = table("tasks", column("id"), column("status")).alias("blocker")
# Recurrence (recurrence/models.py) too: a task repeats while a series names it current.
_SERIES = table(
    "task_series", column("rule", String), column("timezone", String), column("current_task_id")
)


class Task(Model, TenantScoped, TimestampMixin):
    __tablename__ = "tasks"
    __table_args__ = (
        # A project's tasks in list (and board column) order. The tenant column sits
        # after the project's because every tenant query filters on both: an index that
        # matched only the project lost to the next one whenever statistics were stale,
        # and each page of 20 sorted the whole project (migration t9lo3b8e2f14).
        Index(
            "ix_tasks_project_list_order",
            *("project_id", "organization_id", "status", "position", "id"),
        ),
        Index("ix_tasks_assignee_status", "assignee_id", "status"),
        # A project's list filtered by assignee (and status), in the default order. Every
        # column the page and its bounded count read is in it, so the count of up to
        # COUNT_CAP matches is an index-only scan: by ix_tasks_assignee_status it fetched
        # one heap page per match (34 ms for 10,000 matches at 1M tasks, bench P6).
        Index(
            "ix_tasks_project_assignee_status_position",
            *("project_id", "organization_id", "assignee_id", "status", "position", "id"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=Status.TODO.value)
    priority: Mapped[str] = mapped_column(String(16), default=Priority.NORMAL.value)
    due_at: Mapped[datetime | None]
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)
    completed_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    assigned_at: Mapped[datetime | None]
    # Bumped by every change a person makes (not by reminders or reordering around it);
    # a write naming an older version is refused (see services.update_task).
    version: Mapped[int] = mapped_column(default=1)

    project: Mapped[Project] = relationship(lazy="joined", innerjoin=True)
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="joined")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    labels: Mapped[list[Label]] = relationship(
        secondary=task_labels, lazy="selectin", order_by=Label.name
    )
    # Deferred: only the queries that show it pay for the subquery, and they ask for it
    # with ``undefer(Task.comment_count)`` instead of a second statement per page.
    comment_count: Mapped[int] = column_property(
        select(func.count(Comment.id))
        .where(Comment.task_id == id)
        .correlate_except(Comment)
        .scalar_subquery(),
        deferred=True,
    )
    # The same for attachments. attachments/models.py imports this module, so the
    # table is named here rather than its model imported.
    attachment_count: Mapped[int] = column_property(
        select(func.count(_ATTACHMENTS.c.id))
        .where(_ATTACHMENTS.c.task_id == id)
        .correlate_except(_ATTACHMENTS)
        .scalar_subquery(),
        deferred=True,
    )
    # The members following the task, as "3,8,12" (notifications/watchers.py reads it):
    # whether I follow it and how many do, in the task's own row.
    watcher_ids: Mapped[str | None] = column_property(
        select(func.aggregate_strings(cast(_WATCHERS.c.user_id, String), ","))
        .select_from(
            _WATCHERS.join(
                _MEMBERS,
                (_MEMBERS.c.organization_id == _WATCHERS.c.organization_id)
                & (_MEMBERS.c.user_id == _WATCHERS.c.user_id),
            )
        )
        .where(_WATCHERS.c.task_id == id)
        .correlate_except(_WATCHERS, _MEMBERS)
        .scalar_subquery(),
        deferred=True,
    )
    # A card's marks, in one deferred group: the board and the list ask for them with
    # ``CARD_MARKS`` in the statement that loads the page, never one query per card.
    checklist_total: Mapped[int] = column_property(
        select(func.count(_CHECKLIST.c.id))
        .where(_CHECKLIST.c.task_id == id)
        .correlate_except(_CHECKLIST)
        .scalar_subquery(),
        deferred=True,
        group="marks",
    )
    checklist_done: Mapped[int] = column_property(
        select(func.count(_CHECKLIST.c.id))
        .where(_CHECKLIST.c.task_id == id, _CHECKLIST.c.done.is_(True))
        .correlate_except(_CHECKLIST)
        .scalar_subquery(),
        deferred=True,
        group="marks",
    )
    # Blocked while any task that blocks it is not done.
    blocked: Mapped[bool] = column_property(
        exists()
        .where(
            _LINKS.c.blocked_id == id,
            _LINKS.c.blocker_id == _BLOCKERS.c.id,
            _BLOCKERS.c.status != Status.DONE.value,
        )
        .correlate_except(_LINKS, _BLOCKERS),
        deferred=True,
        group="marks",
    )
    # The recurrence rule (RRULE text) and its zone while this task is its series'
    # current occurrence; null for a task that does not repeat. Not deferred: a lookup
    # by a unique key in the row's own statement, so a task's answer, the card's mark
    # and the write that reloads a task after its commit need no statement more.
    repeat_rule: Mapped[str | None] = column_property(
        select(_SERIES.c.rule)
        .where(_SERIES.c.current_task_id == id)
        .correlate_except(_SERIES)
        .scalar_subquery()
    )
    repeat_zone: Mapped[str | None] = column_property(
        select(_SERIES.c.timezone)
        .where(_SERIES.c.current_task_id == id)
        .correlate_except(_SERIES)
        .scalar_subquery()
    )

    @classmethod
    def in_project(cls, project_id: Any) -> ColumnElement[bool]:
        """The project's tasks, named by its organization too.

        ix_tasks_project_list_order leads with (project, organization): a query gets
        its rows in column order (and a column's last key in one probe) only with one
        organization fixed. The tenancy net fixes it on a request in one
        organization; under ``tenancy.system()``, or across several organizations,
        nothing would, and the column's max or order would read the whole project.
        """
        owner = select(Project.organization_id).where(Project.id == project_id)
        return and_(cls.project_id == project_id, cls.organization_id == owner.scalar_subquery())


CARD_MARKS = undefer_group("marks")
