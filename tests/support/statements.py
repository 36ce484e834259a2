"""What the app sent to the database, and how PostgreSQL would plan it."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import Connection
from sqlalchemy import event

from taskmanager.extensions import db


@contextmanager
def sent(app: Flask) -> Iterator[list[tuple[str, Any]]]:
    """Every statement the app's engine runs inside the block, with its parameters."""
    seen: list[tuple[str, Any]] = []
    with app.app_context():
        engine = db.engines[None]

    def keep(conn: Any, cursor: Any, statement: str, parameters: Any, *rest: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def plan(
    app: Flask,
    statement: str,
    parameters: Any,
    *settings: str,
    before: Callable[[Connection], object] | None = None,
) -> str:
    """``EXPLAIN`` of a sent statement, after ``SET LOCAL`` of each of ``settings``.

    ``before`` runs first on the same connection and session (rows to plan over, an
    ``ANALYZE``): a test's session is a savepoint, so anything written in another app
    context is rolled back, statistics included, before the ``EXPLAIN`` runs.
    """
    with app.app_context():
        connection = db.session.connection()
        if before is not None:
            before(connection)
        for setting in settings:
            connection.exec_driver_sql(f"SET LOCAL {setting}")
        rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters)
        return "\n".join(row[0] for row in rows)
