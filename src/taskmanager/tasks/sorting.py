"""The sort orders of task lists, and keyset positions in them.

Each sort is a list of keys ending in the task id, so the order is total: no two
tasks tie, and "the tasks after this one" is well defined. That is what lets a list
continue from the last task a client saw (a keyset page) instead of skipping rows
(an offset page), so a deep page costs what the first one does and a task inserted
earlier in the order does not shift the pages that follow.

A position is the list of the last task's key values, as JSON-friendly values
(datetimes as ISO 8601 strings), the same for every sort.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy import SQLColumnExpression
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import tuple_

from taskmanager.errors import Unprocessable
from taskmanager.tasks.models import Priority
from taskmanager.tasks.models import Task

KeyValue = str | int | None


@dataclass(frozen=True)
class Key:
    """One sort key: an expression, its direction, and whether it can be NULL.

    NULLs sort last in either direction (on PostgreSQL and SQLite alike), so a
    nullable key orders by ``IS NULL`` first.
    """

    expression: SQLColumnExpression[Any]
    kind: type[int] | type[str] | type[datetime]
    descending: bool = False
    nullable: bool = False

    def order_by(self) -> list[ColumnElement[Any]]:
        ordered = self.expression.desc() if self.descending else self.expression.asc()
        return [self.expression.is_(None), ordered] if self.nullable else [ordered]

    def beyond(self, value: Any) -> ColumnElement[bool]:
        """Rows whose key comes strictly after ``value``."""
        if value is None:
            return false()  # NULLs come last: nothing is beyond one
        past = self.expression < value if self.descending else self.expression > value
        return or_(past, self.expression.is_(None)) if self.nullable else past

    def equal(self, value: Any) -> ColumnElement[bool]:
        return self.expression.is_(None) if value is None else self.expression == value

    def dump(self, value: Any) -> KeyValue:
        return value.isoformat() if isinstance(value, datetime) else value

    def load(self, value: object) -> Any:
        """A key value from a position; ValueError if it cannot be one."""
        if value is None:
            if not self.nullable:
                raise ValueError("a missing value")
            return None
        if self.kind is datetime:
            if not isinstance(value, str):
                raise ValueError("not a time")
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise ValueError("a time without a zone")
            return moment
        # bool is an int to Python, never to us.
        if type(value) is not self.kind:
            raise ValueError(f"not a {self.kind.__name__}")
        return value


ID = Key(Task.id, int)
# Urgent first. A CASE on the stored word, since the words do not sort by rank.
PRIORITY_RANK = case({p.value: p.rank for p in Priority}, value=Task.priority, else_=-1)

SORTS: dict[str, tuple[Key, ...]] = {
    "position": (Key(Task.status, str), Key(Task.position, int), ID),
    "due_at": (Key(Task.due_at, datetime, nullable=True), ID),
    "-created_at": (
        Key(Task.created_at, datetime, descending=True),
        Key(Task.id, int, descending=True),
    ),
    "priority": (Key(PRIORITY_RANK, int, descending=True), ID),
    "title": (Key(func.lower(Task.title), str), ID),
}
DEFAULT_SORT = "position"


def keys_of(sort: str) -> tuple[Key, ...]:
    return SORTS.get(sort, SORTS[DEFAULT_SORT])


def order_by(sort: str) -> list[ColumnElement[Any]]:
    return [part for key in keys_of(sort) for part in key.order_by()]


def after(sort: str, position: Sequence[object]) -> ColumnElement[bool]:
    """A WHERE clause true for the tasks that come after ``position`` in ``sort``.

    Raises:
        Unprocessable: ``position`` is not a position in this sort.
    """
    keys = keys_of(sort)
    values = load(keys, position)
    directions = {key.descending for key in keys}
    if len(directions) == 1 and not any(key.nullable for key in keys):
        # One direction, no NULLs: a row-value comparison, which an index can serve.
        # (A plain tuple on the right takes the key expressions' types.)
        row = tuple_(*(key.expression for key in keys))
        return row < tuple(values) if directions == {True} else row > tuple(values)
    # Otherwise the lexicographic OR chain: ties on the first keys, beyond on the next.
    return or_(
        *(
            and_(*(k.equal(v) for k, v in zip(keys[:i], values[:i], strict=True)),
                 keys[i].beyond(values[i]))
            for i in range(len(keys))
        )
    )  # fmt: skip


def load(keys: Sequence[Key], position: Sequence[object]) -> list[Any]:
    if not isinstance(position, list | tuple) or len(position) != len(keys):
        raise Unprocessable(details={"cursor": "This cursor does not fit the sort order."})
    try:
        return [key.load(value) for key, value in zip(keys, position, strict=True)]
    except ValueError as error:
        raise Unprocessable(
            details={"cursor": f"This cursor does not fit the sort order ({error})."}
        ) from None


def dump(sort: str, values: Sequence[Any]) -> list[KeyValue]:
    """The position of a row whose selected key values are ``values``."""
    return [key.dump(value) for key, value in zip(keys_of(sort), values, strict=True)]


def columns(sort: str) -> list[SQLColumnExpression[Any]]:
    """The key expressions to select next to each task, to read its position."""
    return [key.expression for key in keys_of(sort)]
