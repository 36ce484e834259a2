"""Task lists: the filters (one parser for the list page and the API), pages, dashboard.

Pages of tasks are counted and sliced in SQL; a page may be asked for by number or,
with ``after``, by keyset position (see sorting.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BindParameter
from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import select

from taskmanager.accounts.identity import Someone
from taskmanager.accounts.models import User
from taskmanager.db import utcnow
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.projects.models import Project
from taskmanager.schemas import parse
from taskmanager.tasks import paging
from taskmanager.tasks import reading
from taskmanager.tasks import search
from taskmanager.tasks.models import CARD_MARKS
from taskmanager.tasks.models import Status
from taskmanager.tasks.models import Task
from taskmanager.tasks.models import task_labels
from taskmanager.tasks.paging import WITH_COUNTS as WITH_COUNTS
from taskmanager.tasks.paging import AnySelect
from taskmanager.tasks.paging import Page
from taskmanager.tasks.schemas import TaskFilterFields


@dataclass
class TaskFilters:
    status: str | None = None
    assignee_id: int | None = None  # 0 means "unassigned"
    label_id: int | None = None
    due_after: datetime | None = None
    due_before: datetime | None = None
    text: str | None = None
    blocked: bool | None = None  # Task.blocked: a task not yet done blocks it
    sort: str = "position"
    open_only: bool = False  # every status but done ("My tasks")
    errors: dict[str, str] = field(default_factory=dict)


def _moment(value: date | datetime | None, zone: str, *, end_of_day: bool) -> datetime | None:
    """A date and time as given (naive is UTC); a bare date as its day in ``zone``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    day = value + timedelta(days=1) if end_of_day else value
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone))


def filters_from(query: TaskFilterFields, *, user: Someone) -> TaskFilters:
    """The filters a validated query asks for, read for ``user``.

    ``assignee=me`` is the user; ``none`` is unassigned. A due date without a time is
    a whole day in the user's time zone: ``due_before=2026-05-31`` includes that day.
    """
    assignee: int | None = None
    if query.assignee == "me":
        assignee = user.id
    elif query.assignee == "none":
        assignee = 0
    elif query.assignee is not None:
        assignee = int(query.assignee)
    return TaskFilters(
        status=query.status.value if query.status else None,
        assignee_id=assignee,
        label_id=query.label,
        due_after=_moment(query.due_after, user.time_zone, end_of_day=False),
        due_before=_moment(query.due_before, user.time_zone, end_of_day=True),
        text=query.q,
        blocked=query.blocked,
        sort=query.sort,
    )


def filters_from_args(args: Mapping[str, str], *, user: User) -> TaskFilters:
    """The list page's query string: bad values are left out, each with a message."""
    data = {name: args[name] for name in TaskFilterFields.model_fields if args.get(name)}
    errors: dict[str, str] = {}
    try:
        query = parse(TaskFilterFields, data)
    except ValidationFailed as error:
        errors = {
            name: f"{name.replace('_', ' ').capitalize()}: {text} It was left out."
            for name, text in error.details.items()
            if name in data
        }
        query = parse(TaskFilterFields, {k: v for k, v in data.items() if k not in errors})
    filters = filters_from(query, user=user)
    filters.errors = errors
    return filters


def filtered(query: AnySelect, filters: TaskFilters) -> AnySelect:
    """``query`` narrowed by ``filters``.

    Each value is a named bound parameter (``paging.BOUND``), so a page statement
    built for one request serves the next of the same shape with other values.
    """
    if filters.status:
        query = query.where(Task.status == _bound("status", filters.status, Task.status))
    if filters.open_only:
        query = query.where(Task.status != Status.DONE.value)
    if filters.assignee_id is not None:
        if filters.assignee_id == 0:
            query = query.where(Task.assignee_id.is_(None))
        else:
            assignee = _bound("assignee_id", filters.assignee_id, Task.assignee_id)
            query = query.where(Task.assignee_id == assignee)
    if filters.label_id:
        label = _bound("label_id", filters.label_id, task_labels.c.label_id)
        query = query.where(
            Task.id.in_(select(task_labels.c.task_id).where(task_labels.c.label_id == label))
        )
    if filters.due_after:
        query = query.where(Task.due_at >= _bound("due_after", filters.due_after, Task.due_at))
    if filters.due_before:
        query = query.where(Task.due_at < _bound("due_before", filters.due_before, Task.due_at))
    if filters.blocked is not None:  # shapes the statement: paging keys on its value
        query = query.where(Task.blocked if filters.blocked else ~Task.blocked)
    if filters.text and filters.text.strip():
        query = query.where(search.matches(filters.text.strip()[:200]))
    return query


def _bound(name: str, value: object, column: Any) -> BindParameter[Any]:
    return bindparam(name, value, type_=column.type)


def list_tasks(
    *, project: Project, filters: TaskFilters, page: int = 1, per_page: int = 25,
    after: Sequence[object] | None = None, rows: bool = False, marks: bool = False,
) -> Page:  # fmt: skip
    """One page of a project's tasks: a fixed number of statements whatever the page.

    With ``after`` (a ``Page.next_after``) the page starts after that task, and
    ``page`` is ignored. With ``rows`` the items are rows of ``reading.COLUMNS``
    (what the API shows), not Task instances. ``marks`` loads each task's checklist
    progress and "blocked" (``CARD_MARKS``) in the same statement, for the list page.

    Raises:
        ValidationFailed: ``after`` is not a position in ``filters.sort``.
    """
    scope = {"project_id": project.id, "organization_id": project.organization_id}

    def build() -> AnySelect:
        start: AnySelect = reading.ROWS if rows else select(Task)
        # The organization written out as well: rows are read below the tenancy net.
        mine = and_(
            Task.project_id == bindparam("project_id", project.id),
            Task.organization_id == bindparam("organization_id", project.organization_id),
        )
        base = filtered(start.where(mine), filters)
        return base.options(CARD_MARKS) if marks else base

    return paging.page_of(
        build, ("project", rows, marks), scope, filters,
        page=page, per_page=per_page, after=after, rows=rows,
    )  # fmt: skip


def search_tasks(
    *,
    organization_ids: Iterable[int],
    filters: TaskFilters,
    project_id: int | None = None,
    page: int = 1,
    per_page: int = 25,
    after: Sequence[object] | None = None,
    rows: bool = False,
) -> Page:
    """One page of tasks across organizations (the caller scopes the request to them).

    ``after`` and ``rows`` as for ``list_tasks``.
    """
    ids = list(organization_ids)
    scope: dict[str, Any] = {"organization_ids": ids}
    if project_id is not None:
        scope["project_id"] = project_id

    def build() -> AnySelect:
        start: AnySelect = reading.ROWS if rows else select(Task)
        query = start.where(
            Task.organization_id.in_(bindparam("organization_ids", ids, expanding=True))
        )
        if project_id is not None:
            query = query.where(Task.in_project(bindparam("project_id", project_id)))
        return filtered(query, filters)

    return paging.page_of(
        build, ("organizations", rows, project_id is not None), scope, filters,
        page=page, per_page=per_page, after=after, rows=rows,
    )  # fmt: skip


@dataclass
class Dashboard:
    overdue: list[Task]
    due_soon: list[Task]
    recently_assigned: list[Task]


def dashboard(*, user: User, now: datetime | None = None) -> Dashboard:
    """The user's open tasks across their organizations (the caller scopes to them)."""
    now = now or utcnow()
    mine = select(Task).where(Task.assignee_id == user.id, Task.status != Status.DONE.value)
    overdue = db.session.scalars(mine.where(Task.due_at < now).order_by(Task.due_at).limit(20))
    soon = db.session.scalars(
        mine.where(Task.due_at >= now, Task.due_at < now + timedelta(days=7))
        .order_by(Task.due_at)
        .limit(20)
    )
    recent = db.session.scalars(
        mine.where(Task.assigned_at.is_not(None)).order_by(Task.assigned_at.desc()).limit(10)
    )
    return Dashboard(overdue=list(overdue), due_soon=list(soon), recently_assigned=list(recent))
