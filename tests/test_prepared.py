"""Reads keep PostgreSQL's prepared statements; writes still roll back (prepared.py).

Each test holds one pooled connection of the app's own engine, so what the engine does
when a transaction ends is what a request's session does at teardown.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Connection
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.exc import DataError

from taskmanager.accounts.models import User
from taskmanager.extensions import db

PREPARED = text("SELECT count(*) FROM pg_prepared_statements")


@pytest.fixture
def conn(committed_app: Flask) -> Iterator[Connection]:
    with committed_app.app_context(), db.engine.connect() as connection:
        connection.execute(text("CREATE TEMPORARY TABLE scratch (x integer)"))
        connection.commit()
        yield connection
        connection.rollback()
        connection.execute(text("DROP TABLE scratch"))  # the pool keeps the session
        connection.commit()


def rows(conn: Connection) -> list[Any]:
    return list(conn.execute(text("SELECT x FROM scratch ORDER BY x")).scalars())


def test_a_read_is_prepared_once_it_ran_five_times_though_each_ends_in_rollback(conn):
    for user_id in range(6):
        conn.execute(select(User.id).where(User.id == user_id)).all()
        conn.rollback()  # what closing a request's session does
    assert conn.execute(PREPARED).scalar_one() >= 1


def test_a_write_is_still_rolled_back(conn):
    conn.execute(text("INSERT INTO scratch VALUES (1)"))
    conn.rollback()
    assert rows(conn) == []


def test_a_select_that_writes_through_a_with_is_rolled_back(conn):
    written = conn.execute(
        text("WITH added AS (INSERT INTO scratch VALUES (2) RETURNING x) SELECT x FROM added")
    )
    assert written.scalar_one() == 2
    conn.rollback()
    assert rows(conn) == []


def test_a_failed_read_is_rolled_back_and_the_connection_works_after(conn):
    with pytest.raises(DataError):
        conn.execute(text("SELECT 1 / 0"))
    conn.rollback()
    assert conn.execute(text("SELECT 1")).scalar_one() == 1


def test_a_commit_after_a_write_leaves_the_next_read_keeping_its_statements(conn):
    conn.execute(text("INSERT INTO scratch VALUES (3)"))
    conn.commit()
    for user_id in range(6):
        conn.execute(select(User.id).where(User.id == user_id)).all()
        conn.rollback()
    assert rows(conn) == [3]
    assert conn.execute(PREPARED).scalar_one() >= 1
