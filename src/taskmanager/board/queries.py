"""The board's reads: a page of cards per column, capped counts, and a change marker.

A board renders in time bounded by its page size, not by the project's size: each
column shows at most ``PAGE`` cards (the rest come with "Load more", by keyset
position), and the column counts stop at ``COUNT_CAP``. The number of statements is
the same for ten tasks or a hundred thousand.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import tuple_
from sqlalchemy import union_all
from sqlalchemy.orm import undefer

from taskmanager.activity import services as activity
from taskmanager.extensions import db
from taskmanager.projects.models import Project
from taskmanager.tasks.listing import TaskFilters
from taskmanager.tasks.listing import filtered
from taskmanager.tasks.models import CARD_MARKS
from taskmanager.tasks.models import Status
from taskmanager.tasks.models import Task

PAGE = 30  # cards per column, and per "Load more"
MAX_SHOWN = 300  # cards a refreshed column keeps showing, however many were loaded
COUNT_CAP = 999  # a column counts up to this, then says "999+"
# One option tuple for every query, so SQLAlchemy reuses the compiled statement.
CARD_OPTIONS = (undefer(Task.comment_count), undefer(Task.attachment_count), CARD_MARKS)

Position = tuple[int, int]  # (position, id): where a card sits in its column


@dataclass
class Column:
    status: Status
    cards: list[Task]
    count: int  # capped at COUNT_CAP + 1
    next_after: Position | None  # the last card's position when more follow

    @property
    def count_label(self) -> str:
        return count_label(self.count)


def count_label(count: int) -> str:
    """A column's count as shown: "999+" past the cap."""
    return f"{COUNT_CAP}+" if count > COUNT_CAP else str(count)


def _column_query(project: Project, status: Status, filters: TaskFilters) -> Select[Task]:
    query = select(Task).where(Task.project_id == project.id, Task.status == status.value)
    return filtered(query, filters)


def cards(
    *, project: Project, status: Status, filters: TaskFilters,
    after: Position | None = None, limit: int = PAGE,
) -> tuple[list[Task], Position | None]:  # fmt: skip
    """Up to ``limit`` cards of one column after ``after``, and where the next ones start."""
    limit = max(1, min(limit, MAX_SHOWN))
    query = _column_query(project, status, filters)
    if after is not None:
        query = query.where(tuple_(Task.position, Task.id) > tuple_(*after))
    query = query.order_by(Task.position, Task.id).limit(limit + 1).options(*CARD_OPTIONS)
    found = list(db.session.scalars(query))
    if len(found) <= limit:
        return found, None
    last = found[limit - 1]
    return found[:limit], (last.position, last.id)


def counts(*, project: Project, filters: TaskFilters) -> dict[Status, int]:
    """Each column's number of cards, counted up to COUNT_CAP + 1: one statement."""
    capped = [
        select(func.count())
        .select_from(
            _column_query(project, status, filters)
            .with_only_columns(Task.id)
            .limit(COUNT_CAP + 1)
            .subquery()
        )
        .scalar_subquery()
        for status in Status
    ]
    row = db.session.execute(select(*capped)).one()
    return {status: int(value or 0) for status, value in zip(Status, row, strict=True)}


def columns(
    *, project: Project, filters: TaskFilters, shown: dict[Status, int] | None = None
) -> list[Column]:
    """Every column's first cards; ``shown`` asks a column for more (up to MAX_SHOWN).

    Two statements for the cards whatever the board holds: each column's first ids
    (one limited subquery per column, in one UNION ALL), then those tasks with their
    counts; their labels come in one more.
    """
    numbers = counts(project=project, filters=filters)
    limits = {status: min(max(PAGE, (shown or {}).get(status, 0)), MAX_SHOWN) for status in Status}
    firsts = [
        select(
            _column_query(project, status, filters)
            .with_only_columns(Task.id)
            .order_by(Task.position, Task.id)
            .limit(limits[status] + 1)
            .subquery()
            .c.id
        )
        for status in Status
    ]
    query = (
        select(Task)
        .where(Task.id.in_(union_all(*firsts)))
        .order_by(Task.position, Task.id)
        .options(*CARD_OPTIONS)
    )
    found: dict[Status, list[Task]] = {status: [] for status in Status}
    for task in db.session.scalars(query):
        found[Status(task.status)].append(task)
    board = []
    for status in Status:
        cards_, limit = found[status], limits[status]
        next_after = (
            (cards_[limit - 1].position, cards_[limit - 1].id) if len(cards_) > limit else None
        )
        board.append(
            Column(
                status=status, cards=cards_[:limit], count=numbers[status], next_after=next_after
            )
        )
    return board


def card(task_id: int) -> Task:
    """One card read afresh with its counts (after a move changed it)."""
    query = (
        select(Task)
        .where(Task.id == task_id)
        .options(*CARD_OPTIONS)
        .execution_options(populate_existing=True)
    )
    return db.session.scalars(query).one()


def marker(*, organization_id: int, project_id: int) -> tuple[str, bool]:
    """The organization's change marker, and whether the project is there: one statement."""
    there = select(Project.id).where(
        Project.id == project_id, Project.organization_id == organization_id
    )
    changes, found = activity.marker(organization_id, with_row=there)
    return changes, found is not None
