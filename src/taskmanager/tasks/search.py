"""Full-text search over task titles and descriptions, one function for both backends.

PostgreSQL: ``to_tsvector`` over title and description, served by a GIN expression
index (see the migration). SQLite: an FTS5 table kept in step by triggers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import literal_column
from sqlalchemy import select
from sqlalchemy import text

from taskmanager.extensions import db
from taskmanager.tasks.models import Task

# The expression the GIN index is built on; the query must match it exactly.
SEARCH_DOCUMENT = (
    "to_tsvector('simple', coalesce(tasks.title, '') || ' ' || coalesce(tasks.description, ''))"
)


# Created by migrations only (not in the models): the GIN index and the FTS5 tables.
SEARCH_OBJECTS = ("task_search", "ix_tasks_search")


def is_search_object(name: str | None) -> bool:
    return (name or "").startswith(SEARCH_OBJECTS)


def _fts5_query(words: str) -> str:
    # Quote every word: FTS5 operators typed by a user become plain words.
    return " ".join('"' + word.replace('"', '""') + '"' for word in words.split())


def matches(words: str) -> ColumnElement[bool]:
    """A WHERE clause true for tasks whose title or description contain ``words``."""
    if db.session.get_bind().dialect.name == "postgresql":
        document: ColumnElement[Any] = literal_column(SEARCH_DOCUMENT)
        return document.op("@@")(func.websearch_to_tsquery("simple", words))
    rows: Select[Any] = (
        select(literal_column("rowid"))
        .select_from(text("task_search"))
        .where(text("task_search MATCH :words").bindparams(words=_fts5_query(words)))
    )
    return Task.id.in_(rows)
