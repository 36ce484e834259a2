"""Pages of tasks: one statement per page, built once per shape of request.

Building a page's statement (joins, filters, the total, the sort keys) and letting
SQLAlchemy derive its cache key cost more CPU than PostgreSQL spent answering it
(issue 17). Every value in it is a named bound parameter (``listing.filtered``), so
the statement depends only on the request's *shape*: which filters are present, the
sort, the scope. It is built on the first request of a shape and bound afresh for
each later one. Pages by keyset position and text searches are built every time:
their structure follows their values.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Hashable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import fields
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from sqlalchemy import ColumnElement
from sqlalchemy import Select
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import undefer

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.tasks import reading
from taskmanager.tasks import sorting
from taskmanager.tasks.models import Task

if TYPE_CHECKING:
    from taskmanager.tasks.listing import TaskFilters

AnySelect = Select[*tuple[Any, ...]]  # of Task, or of rows (reading.ROWS)

# One option object for every page, so the statement built with it is reused.
WITH_COUNTS = (
    undefer(Task.comment_count), undefer(Task.attachment_count), undefer(Task.watcher_ids)
)  # fmt: skip

# The filters ``listing.filtered`` binds by name: their values do not shape the
# statement, only whether they are there. Every other field of TaskFilters shapes it
# with its value (a new field is safe before anyone lists it here).
BOUND = frozenset({"status", "label_id", "due_after", "due_before"})
_NOT_FILTERS = frozenset({"errors"})
_STATEMENTS: dict[Hashable, tuple[AnySelect, AnySelect]] = {}
_MOST = 512

# A page's total counts its matches up to this many; past it the total says "at least"
# (``Page.total_exact``). Counting a million-task project exactly cost every page of it
# ~100 ms, the first as much as the 200th (bench P6); this bounds it at any size.
COUNT_CAP = 10_000


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
    total_exact: bool = True  # False: there are more than ``total`` (COUNT_CAP) matches

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def window(self, around: int = 2) -> list[int]:
        """The page numbers a pager links to: the first two, the last two, and those
        within ``around`` of this one; at most 4 + 2 * around + 1 whatever the total."""
        here, last = self.page or 1, self.pages
        near = range(max(1, here - around), min(last, here + around) + 1)
        return sorted({*range(1, min(last, 2) + 1), *near, *range(max(1, last - 1), last + 1)})


def _shape(filters: TaskFilters) -> tuple[Hashable, ...]:
    shape: list[Hashable] = []
    for item in fields(filters):
        value = getattr(filters, item.name)
        if item.name in _NOT_FILTERS:
            continue
        if item.name == "assignee_id":  # unassigned (0) is IS NULL, any other id is bound
            shape.append((item.name, None if value is None else value == 0))
        elif item.name in BOUND:
            shape.append((item.name, value is not None))
        else:
            shape.append((item.name, value))
    return tuple(shape)


def _values(filters: TaskFilters) -> dict[str, Any]:
    values = {name: getattr(filters, name) for name in BOUND}
    if filters.assignee_id:  # 0, unassigned, is written IS NULL
        values["assignee_id"] = filters.assignee_id
    return {name: value for name, value in values.items() if value is not None}


def _statements(
    base: AnySelect, filters: TaskFilters, *, keyset: Sequence[object] | None, rows: bool
) -> tuple[AnySelect, AnySelect]:
    # The total of every match rides on each row (an uncorrelated subquery: PostgreSQL
    # counts once per statement), so a page is one statement whatever its kind. The key
    # values come from the database next to each task, so the next position is exactly
    # what the database compares (lower(title), the priority rank).
    # The matches counted on the tasks table alone, whatever the page selects.
    where = cast(ColumnElement[bool], base.whereclause)  # every list filters by something
    matches = select(Task.id).where(where).limit(bindparam("count_cap", 1)).subquery()
    count = select(func.count()).select_from(matches).correlate(None)
    head = base if rows else base.options(*WITH_COUNTS)
    query = head.add_columns(count.scalar_subquery(), *sorting.columns(filters.sort)).order_by(
        *sorting.order_by(filters.sort)
    )
    if keyset is not None:
        query = query.where(sorting.after(filters.sort, keyset))
    else:
        query = query.offset(bindparam("offset", 0))
    # One row more than the page tells whether another page follows.
    return query.limit(bindparam("limit", 1)), count


def page_of(
    build: Callable[[], AnySelect], kind: Hashable, scope: Mapping[str, Any],
    filters: TaskFilters, *, page: int, per_page: int, after: Sequence[object] | None,
    rows: bool,
) -> Page:  # fmt: skip
    """One page of the tasks ``build()`` selects (``scope`` binds its parameters).

    ``kind`` names the shape of ``build``'s statement apart from the filters.
    """
    per_page = max(1, min(per_page, 100))
    number = None if after is not None else max(1, page)
    params = {**scope, **_values(filters), "limit": per_page + 1, "count_cap": COUNT_CAP + 1}
    if number is not None:
        params["offset"] = (number - 1) * per_page
    key = None if after is not None or filters.text else (kind, _shape(filters))
    built = _STATEMENTS.get(key) if key is not None else None
    if built is None:
        built = _statements(build(), filters, keyset=after, rows=rows)
        if key is not None:
            if len(_STATEMENTS) >= _MOST:
                _STATEMENTS.clear()
            _STATEMENTS[key] = built
    query, count = built
    # Rows (the API's pages) skip the ORM: both callers write the organization into
    # the filter, so the tenancy net has nothing to add and would cost more than the read.
    found = (
        tenancy.filtered_rows(query, params) if rows else db.session.execute(query, params).all()
    )
    width = reading.WIDTH if rows else 1
    items = [row if rows else row[0] for row in found[:per_page]]
    # A page past the end has no row to carry the total: counted apart.
    counted = int(found[0][width]) if found else db.session.scalar(count, params) or 0
    next_after = None
    if len(found) > per_page:
        next_after = sorting.dump(filters.sort, tuple(found[per_page - 1])[width + 1 :])
    return Page(
        items=items, total=min(counted, COUNT_CAP), page=number, per_page=per_page,
        next_after=next_after, total_exact=counted <= COUNT_CAP,
    )  # fmt: skip
