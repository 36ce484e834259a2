"""Full-text search over tasks and comments, one set of functions for both backends.

Every word typed matches as a prefix ("homepag" finds "homepage"), and all of them
must match. PostgreSQL: ``to_tsvector`` over title and description (and over a
comment's body), served by GIN expression indexes (see the migrations); a prefix that
covers few words is searched as those words, from the ``search_words`` table that
triggers keep (``_query``). SQLite: FTS5 tables kept in step by triggers.

A search is reduced to its words (letters and digits) before it reaches either
engine, so nothing a person types is ever read as query syntax: ``:``, ``&``, ``!``,
quotes and NUL are separators like spaces.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy import Select
from sqlalchemy import and_
from sqlalchemy import any_
from sqlalchemy import bindparam
from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy import literal_column
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import union
from sqlalchemy.orm import QueryableAttribute

from taskmanager.extensions import db
from taskmanager.tasks.models import Comment
from taskmanager.tasks.models import Task

# The expressions the GIN indexes are built on; the queries must match them exactly.
SEARCH_DOCUMENT = (
    "to_tsvector('simple', coalesce(tasks.title, '') || ' ' || coalesce(tasks.description, ''))"
)
COMMENT_DOCUMENT = "to_tsvector('simple', coalesce(comments.body, ''))"


# Created by migrations only (not in the models): the GIN indexes and the FTS5 tables.
SEARCH_OBJECTS = (
    "task_search", "ix_tasks_search", "comment_search", "ix_comments_search",
    "search_words", "ix_search_words",
)  # fmt: skip

# Letters and digits: what both engines' tokenizers keep as words (underscore splits).
WORD = re.compile(r"[^\W_]+")
MAX_TERMS = 8
MAX_TERM_LENGTH = 60
# A prefix covering at most this many words is searched as those words (``_query``).
MAX_EXPANSION = 32


def is_search_object(name: str | None) -> bool:
    return (name or "").startswith(SEARCH_OBJECTS)


def terms(words: str) -> list[str]:
    """The words a search matches by, lowercased: at most 8, each cut to 60 characters."""
    return [word.lower()[:MAX_TERM_LENGTH] for word in WORD.findall(words)][:MAX_TERMS]


def _tsquery(found: list[str]) -> str:
    # Each term quoted (quotes doubled, though WORD admits none) and a prefix (:*).
    return " & ".join("'" + term.replace("'", "''") + "':*" for term in found)


def _fts5_query(found: list[str]) -> str:
    # Each term a quoted FTS5 string with a prefix star: never an operator.
    return " ".join('"' + term.replace('"', '""') + '"*' for term in found)


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _fts5_rows(table: str, found: list[str]) -> Select[Any]:
    return (
        select(literal_column("rowid"))
        .select_from(text(table))
        .where(literal_column(table).op("MATCH")(bindparam("words", _fts5_query(found))))
    )


# One term's tsquery, chosen inside the statement (``_query``): the words of
# ``search_words`` in [low, high) are those that start with the term (byte order, "C");
# each is quoted as tsquery input, backslashes and quotes doubled.
_TERM = r"""(SELECT CASE
    WHEN count(*) BETWEEN 1 AND :search_most
        AND CAST(to_tsquery('simple', :{term}) AS text) = :{term}
    THEN CAST(string_agg('''' || replace(replace(word, '\', '\\'), '''', '''''') || '''', ' | ')
        AS tsquery)
    ELSE to_tsquery('simple', :{term}) END
    FROM (SELECT DISTINCT word FROM search_words WHERE word >= :{low} AND word < :{high}
        ORDER BY word LIMIT :search_most + 1) AS found)"""


def _statement(document: str, terms: int) -> str:
    """The condition for ``terms`` terms, each with its own bound ``search_*_<n>``."""
    parts = [
        _TERM.format(
            term=f"search_term_{n}",
            low=f"search_low_{n}",
            high=f"search_high_{n}",
        )
        for n in range(terms)
    ]
    return document + " @@ (" + " && ".join(parts) + ")"


# Every condition there can be, written once from this module's constants: what a
# person types only ever reaches the database as bound values. One text per shape
# also lets SQLAlchemy cache each compiled statement.
_CONDITIONS = {
    (document, terms): _statement(document, terms)
    for document in (SEARCH_DOCUMENT, COMMENT_DOCUMENT)
    for terms in range(1, MAX_TERMS + 1)
}


def _query(document: str, found: list[str]) -> ColumnElement[bool]:
    """``document`` holds every term of ``found``: each as a prefix (``'ship':*``), or
    as the words that start with it (``'ship' | 'shipping'``) when at most
    MAX_EXPANSION do.

    Both match the same rows: ``search_words`` holds every word of every task and
    comment (migration s7sw5e1b3c90). As a prefix, GIN gathers every row of every word
    it covers before intersecting the terms (a word in a fifth of 1M tasks: ~8 ms,
    whatever the other terms); as words, it skips through a common word's rows to
    those of the rare term (~0.3 ms). Expanded only when the term is ASCII letters and
    digits that ``to_tsquery`` keeps as one word ("1e5x" it splits), so the range of
    words compared byte by byte is exactly what the prefix covers; any other term gets
    an empty range, which keeps the prefix. Written as SQL text: as SQLAlchemy
    expressions the statement cost ~3 ms more CPU to build each time.
    """
    values: dict[str, object] = {"search_most": MAX_EXPANSION}
    for n, term in enumerate(found):
        values[f"search_term_{n}"] = _tsquery([term])
        high = term[:-1] + chr(ord(term[-1]) + 1) if term.isascii() else term
        values[f"search_low_{n}"], values[f"search_high_{n}"] = term, high
    return and_(text(_CONDITIONS[document, len(found)]).bindparams(**values))


def _matching(
    words: str, document: str, index: str, row_id: QueryableAttribute[int]
) -> ColumnElement[bool]:
    """``document`` (PostgreSQL) or the FTS5 table ``index`` (SQLite) holds every word."""
    found = terms(words)
    if not found:
        return false()
    if _postgres():
        return _query(document, found)
    return row_id.in_(_fts5_rows(index, found))


def matches(words: str) -> ColumnElement[bool]:
    """A WHERE clause true for tasks whose title or description hold every word
    of ``words`` (each as a prefix). No words at all match nothing."""
    return _matching(words, SEARCH_DOCUMENT, "task_search", Task.id)


def comment_matches(words: str) -> ColumnElement[bool]:
    """A WHERE clause on comments: true for those whose body holds every word."""
    return _matching(words, COMMENT_DOCUMENT, "comment_search", Comment.id)


def matches_or_commented(words: str) -> ColumnElement[bool]:
    """A WHERE clause on tasks: true for those that match ``words`` themselves or
    have a comment that does.

    The matching ids come from a ``UNION`` of the two lookups, each served by its own
    index. As ``matches(...) OR id IN (comments matching)`` PostgreSQL read every task
    instead (17 s at 1M tasks against 63 ms, bench/NOTES.md P6). On PostgreSQL the ids
    are gathered first, ``id = ANY(ARRAY(...))``, and the tasks read by primary key:
    as ``id IN (...)`` the planner, estimating a one-word search at 2% of the tasks
    (its default for a prefix while the index's statistics know few words), hashed the
    matches against a scan of every task (0.9-1.3 s at 1M tasks for a single match).
    A word in every task costs more this way (its page 8.5 s against 4.9 s at 1M): the
    planner cannot tell the two apart, and a search people make is a selective one.
    """
    ids = union(
        select(Task.id).where(matches(words)),
        select(Comment.task_id).where(comment_matches(words)),
    )
    if _postgres():
        return Task.id == any_(func.array(ids.scalar_subquery()))
    return Task.id.in_(ids)
