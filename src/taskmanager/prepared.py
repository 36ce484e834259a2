"""Keep PostgreSQL's prepared statements across requests: reads end with COMMIT.

psycopg 3 prepares a statement on the server once it has run it five times on a
connection, and from then on PostgreSQL skips parsing and planning it. But psycopg
forgets every prepared statement when a transaction is rolled back (objects may have
been dropped or altered inside it), and a request's session always ends with a
rollback: Flask-SQLAlchemy closes the session at teardown, and closing rolls back. So
no statement of ours ever reached five, and every request paid for planning: 1.1 of
the 1.3 ms a task read's main statement took on the server (issue 17, P2).

A transaction that ran only ``SELECT`` statements changed nothing, so ending it with
``COMMIT`` is the same as ``ROLLBACK`` (both end the snapshot and release any row
locks), except that psycopg keeps its prepared statements. This module makes the
engine's rollback a commit for exactly those transactions: any other statement
(``INSERT``, ``UPDATE``, ``DELETE``, ``SAVEPOINT``, DDL, ``SET``, a ``WITH`` that may
modify) marks the connection as written and the rollback stays a rollback. A failed
transaction is always rolled back. The session, its events and everything above see
a rollback either way.
"""

from __future__ import annotations

import weakref
from typing import Any

from flask import Flask
from psycopg import pq
from sqlalchemy import Engine
from sqlalchemy import event

from taskmanager.extensions import db

# The psycopg connections whose current transaction ran a statement other than SELECT.
_written: weakref.WeakSet[Any] = weakref.WeakSet()


def _raw(connection: Any) -> Any:
    """The psycopg connection behind SQLAlchemy's pool proxy (or itself)."""
    return getattr(connection, "dbapi_connection", connection)


def keep_prepared_statements(engine: Engine) -> None:
    """Make rollbacks of read-only transactions commits on a psycopg ``engine``."""
    dialect = engine.dialect
    rollback, commit = dialect.do_rollback, dialect.do_commit

    @event.listens_for(engine, "before_cursor_execute")
    def _note_writes(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip()[:6].upper() != "SELECT":
            _written.add(_raw(conn.connection))

    def do_rollback(connection: Any) -> None:
        raw = _raw(connection)
        if raw in _written or raw.info.transaction_status != pq.TransactionStatus.INTRANS:
            _written.discard(raw)
            rollback(connection)
        else:
            commit(connection)

    def do_commit(connection: Any) -> None:
        _written.discard(_raw(connection))
        commit(connection)

    # The pool resets returned connections through the same dialect object.
    dialect.do_rollback = do_rollback  # type: ignore[method-assign,assignment]
    dialect.do_commit = do_commit  # type: ignore[method-assign,assignment]


def init_app(app: Flask) -> None:
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
                keep_prepared_statements(engine)
