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
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement
from sqlalchemy import Select
from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import undefer

from taskmanager import tenancy
from taskmanager.accounts.identity import Someone
from taskmanager.accounts.models import User
from taskmanager.db import utcnow
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.projects.models import Project
from taskmanager.schemas import parse
from taskmanager.tasks import reading
from taskmanager.tasks import search
from taskmanager.tasks import sorting
from taskmanager.tasks.models import CARD_MARKS
from taskmanager.tasks.models import Status
from taskmanager.tasks.models import Task
from taskmanager.tasks.models import task_labels
from taskmanager.tasks.schemas import TaskFilterFields


@dataclass
class TaskFilters:
    status: str | None = None
    assignee_id: int | None = None  # 0 means "unassigned"
    label_id: int | None = None
    due_after: datetime | None = None
    due_before: datetime | None = None
    text: str | None = None
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
    if filters.status:
        query = query.where(Task.status == filters.status)
    if filters.open_only:
        query = query.where(Task.status != Status.DONE.value)
    if filters.assignee_id is not None:
        if filters.assignee_id == 0:
            query = query.where(Task.assignee_id.is_(None))
        else:
            query = query.where(Task.assignee_id == filters.assignee_id)
    if filters.label_id:
        query = query.where(
            Task.id.in_(
                select(task_labels.c.task_id).where(task_labels.c.label_id == filters.label_id)
            )
        )
    if filters.due_after:
        query = query.where(Task.due_at >= filters.due_after)
    if filters.due_before:
        query = query.where(Task.due_at < filters.due_before)
    if filters.text and filters.text.strip():
        query = query.where(search.matches(filters.text.strip()[:200]))
    return query


AnySelect = Select[*tuple[Any, ...]]  # of Task, or of rows (reading.ROWS)

# One option object for every page, so the statement built with it is reused.
WITH_COUNTS = (
    undefer(Task.comment_count), undefer(Task.attachment_count), undefer(Task.watcher_ids)
)  # fmt: skip


@dataclass
class Page:
    """One page of tasks, and where the next one starts.

    ``page`` is None for a page asked for by position (keyset): such a page has no
    number. ``next_after`` is the position of the page's last task when more follow
    (pass it back as ``after``), None on the last page.
    """

    items: list[Any]  # Task instances, or rows of reading.COLUMNS
    total: int
    page: int | None
    per_page: int
    next_after: list[sorting.KeyValue] | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def window(self, around: int = 2) -> list[int]:
        """The page numbers a pager links to: the first two, the last two, and those
        within ``around`` of this one; at most 4 + 2 * around + 1 whatever the total."""
        here, last = self.page or 1, self.pages
        near = range(max(1, here - around), min(last, here + around) + 1)
        return sorted({*range(1, min(last, 2) + 1), *near, *range(max(1, last - 1), last + 1)})


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
    start: AnySelect = reading.ROWS if rows else select(Task)
    # The organization written out as well: rows are read below the tenancy net (_page).
    mine = and_(Task.project_id == project.id, Task.organization_id == project.organization_id)
    base = filtered(start.where(mine), filters)
    if marks:
        base = base.options(CARD_MARKS)
    return _page(base, filters, page=page, per_page=per_page, after=after, rows=rows)


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
    start: AnySelect = reading.ROWS if rows else select(Task)
    query = start.where(Task.organization_id.in_(list(organization_ids)))
    if project_id is not None:
        query = query.where(Task.project_id == project_id)
    return _page(
        filtered(query, filters), filters, page=page, per_page=per_page, after=after, rows=rows
    )


def _page(
    base: AnySelect, filters: TaskFilters, *, page: int, per_page: int,
    after: Sequence[object] | None, rows: bool,
) -> Page:  # fmt: skip
    per_page = max(1, min(per_page, 100))
    # The total of every match rides on each row (an uncorrelated subquery: PostgreSQL
    # counts once per statement), so a page is one statement whatever its kind. The key
    # values come from the database next to each task, so the next position is exactly
    # what the database compares (lower(title), the priority rank).
    # The matches counted on the tasks table alone, whatever the page selects.
    where = cast(ColumnElement[bool], base.whereclause)  # every list filters by something
    count = select(func.count()).select_from(Task).where(where).correlate(None)
    head, width = (base, reading.WIDTH) if rows else (base.options(*WITH_COUNTS), 1)
    query = head.add_columns(count.scalar_subquery(), *sorting.columns(filters.sort)).order_by(
        *sorting.order_by(filters.sort)
    )
    number: int | None = None
    if after is not None:
        query = query.where(sorting.after(filters.sort, after))
    else:
        number = max(1, page)
        query = query.offset((number - 1) * per_page)
    # One row more than the page tells whether another page follows.
    query = query.limit(per_page + 1)
    # Rows (the API's pages) skip the ORM: both callers write the organization into
    # the filter, so the tenancy net has nothing to add and would cost more than the read.
    found = tenancy.filtered_rows(query) if rows else db.session.execute(query).all()
    items = [row if rows else row[0] for row in found[:per_page]]
    # A page past the end has no row to carry the total: counted apart.
    total = int(found[0][width]) if found else db.session.scalar(count) or 0
    next_after = None
    if len(found) > per_page:
        next_after = sorting.dump(filters.sort, tuple(found[per_page - 1])[width + 1 :])
    return Page(items=items, total=total, page=number, per_page=per_page, next_after=next_after)


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
