"""Fixtures: the app on real PostgreSQL and Redis, per-test rollback, clients, mail.

Each pytest-xdist worker gets its own PostgreSQL database and Redis db number, made
fresh and migrated once per run. A test's writes happen inside a transaction that is
rolled back afterwards (sessions join it with savepoints), so tests never see each
other's rows. Tests that need committed data (a real Celery worker or a live server
reads with its own connections) use ``committed_app`` and are emptied after (``empty_tables``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from celery.contrib.testing.worker import start_worker
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from redis import Redis
from sqlalchemy import text

from taskmanager import create_app
from taskmanager import jobs
from taskmanager.extensions import db
from tests.support.services import PG_ADMIN_DSN
from tests.support.services import REDIS_HOST
from tests.support.services import redis_dbs
from tests.support.services import worker_name
from tests.support.smtp import Inbox
from tests.support.smtp import SMTPServer

DB_NAME = f"tm_test_{worker_name()}"
DATABASE_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_DB, BROKER_DB = redis_dbs()
REDIS_URL = f"redis://{REDIS_HOST}:6379/{REDIS_DB}"
BROKER_URL = f"redis://{REDIS_HOST}:6379/{BROKER_DB}"


def base_config(tmp_path_factory: pytest.TempPathFactory, **extra: Any) -> dict[str, Any]:
    instance = tmp_path_factory.mktemp("instance")
    config: dict[str, Any] = {
        "TESTING": True,
        "ENV": "testing",
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "DATABASE_URL": DATABASE_URL,
        "BROKER_URL": BROKER_URL,
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "MAIL_BACKEND": "outbox",
        "OUTBOX_DIR": str(instance / "outbox"),
        "ATTACHMENTS_ROOT": str(instance / "attachments"),
        "SERVER_NAME": None,
        # The test client's default host, so emailed links open in the test client.
        "BASE_URL": "http://localhost",
        # Still argon2id, but at the cheapest cost: the production cost (64 MiB, 3 passes,
        # ~0.3 s of CPU) on every made user and sign-in was a large share of the suite.
        "SECURITY_PASSWORD_HASH_PASSLIB_OPTIONS": {
            "argon2__memory_cost": 1024,
            "argon2__rounds": 1,
            "argon2__parallelism": 1,
        },
    }
    config.update(extra)
    return config


@pytest.fixture(scope="session")
def database() -> str:
    """A fresh, migrated PostgreSQL database for this worker."""
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    Redis.from_url(REDIS_URL).flushdb()
    Redis.from_url(BROKER_URL).flushdb()
    return DATABASE_URL


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SMTPServer]:
    with SMTPServer() as server:
        yield server


@pytest.fixture
def inbox(smtp_server: SMTPServer) -> Inbox:
    """The loopback SMTP server's mailbox, emptied for this test."""
    smtp_server.inbox.messages.clear()
    return smtp_server.inbox


@pytest.fixture(scope="session")
def app(database: str, smtp_server: SMTPServer, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    config = base_config(
        tmp_path_factory,
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
    )
    app = create_app(config)
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "app" in request.fixturenames:
        Redis.from_url(REDIS_URL).flushdb()


@pytest.fixture
def enqueued() -> list[tuple[str, dict[str, Any]]]:
    """Jobs published by a rolled-back test, as (task name, kwargs)."""
    return []


@pytest.fixture(autouse=True)
def rollback(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    enqueued: list[tuple[str, dict[str, Any]]],
) -> Iterator[None]:
    """Run the test inside one outer transaction that is rolled back at the end.

    Jobs are recorded in ``enqueued`` instead of published: no worker could see this
    test's uncommitted rows. Tests of real delivery use ``committed_app``.
    """
    if "app" not in request.fixturenames or "committed_app" in request.fixturenames:
        yield
        return
    monkeypatch.setattr(jobs, "publish", lambda task, kwargs: enqueued.append((task.name, kwargs)))
    app: Flask = request.getfixturevalue("app")
    with app.app_context():
        engines = db._app_engines[app]
        engine = engines[None]
        connection = engine.connect()
        outer = connection.begin()
        engines[None] = connection  # type: ignore[assignment]
        db.session.remove()
        db.session.configure(join_transaction_mode="create_savepoint")
    try:
        yield
    finally:
        with app.app_context():
            db.session.remove()
        outer.rollback()
        connection.close()
        engines[None] = engine


@pytest.fixture
def worker(committed_app: Flask, _celery_worker: Any) -> Any:
    """A real Celery worker (in this process, on the Redis broker) running the jobs."""
    return _celery_worker


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


TABLES_TO_KEEP = {"alembic_version"}


# Module scope, not session: when any in-process test worker stops, Celery sets the
# process-wide celery.worker.state.should_terminate, which ends every worker in the
# process. A session worker would die the first time another test (the embedded
# SQLite one) stops its own, and later jobs would never run.
@pytest.fixture(scope="module")
def _celery_worker(app: Flask) -> Iterator[Any]:
    celery_app = app.extensions["celery"]
    with start_worker(celery_app, pool="solo", perform_ping_check=False) as worker:
        yield worker


# Restart the id sequences of the named tables (each owned by its table's id column).
RESTART_SEQUENCES = text(
    "SELECT setval(s.oid, 1, false) FROM pg_class s"
    " JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')"
    " JOIN pg_class t ON t.oid = d.refobjid"
    " WHERE s.relkind = 'S' AND t.relname = ANY(:tables)"
)


def empty_tables(app: Flask) -> None:
    """Delete every row and restart the id sequences, as on a fresh database.

    DELETE, not TRUNCATE: a TRUNCATE of the ~30 tables makes new files for each table
    and index and drops the old ones at commit, 90-150 ms on a quiet machine and up to
    900 ms on a loaded one, after every committed-data test; these DELETEs of a few
    rows take ~10 ms. The dead rows they leave are what rolled-back tests leave too
    (the plan tests plan over their own analyzed rows for that reason). With foreign
    key triggers off (replica role, this transaction only) the order does not matter.
    """
    with app.app_context():
        db.session.remove()
        tables = [t for t in db.metadata.sorted_tables if t.name not in TABLES_TO_KEEP]
        with db.engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for table in tables:
                conn.execute(table.delete())
            conn.execute(RESTART_SEQUENCES, {"tables": [t.name for t in tables]})


@pytest.fixture
def committed_app(app: Flask) -> Iterator[Flask]:
    """The app with real commits, for workers and live servers; tables emptied after."""
    yield app
    empty_tables(app)


CSRF_RE = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token from the form on ``url``, as a browser would submit it."""
    page = client.get(url)
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({page.status_code})"
    return match.group(1)


def post_form(
    client: FlaskClient,
    url: str,
    data: dict[str, Any],
    *,
    form_url: str | None = None,
    **kwargs: Any,
) -> Any:
    token = csrf_token(client, form_url or url.split("?")[0])
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


@pytest.fixture
def make_user(app: Flask) -> Any:
    from tests.factories import make_user

    return lambda **kwargs: make_user(app, **kwargs)


@pytest.fixture
def user(make_user: Any) -> Any:
    return make_user()


@pytest.fixture
def auth_client(app: Flask, user: Any) -> FlaskClient:
    """A client signed in as ``user`` (session set up as a real sign-in would)."""
    from tests.factories import sign_in

    client = app.test_client()
    sign_in(app, client, user)
    return client


@pytest.fixture
def team(app: Flask, make_user: Any) -> Any:
    """An organization with one user per role, a project, a label and a task."""
    from types import SimpleNamespace

    from tests.factories import add_member
    from tests.factories import make_label
    from tests.factories import make_org
    from tests.factories import make_project
    from tests.factories import make_task

    owner = make_user(name="Olive Owner")
    org = make_org(app, owner, name="Acme")
    people = {"owner": owner}
    for role in ("admin", "member", "viewer"):
        people[role] = make_user(name=f"{role.title()} Person")
        add_member(app, org, people[role], role)
    project = make_project(app, org)
    label = make_label(app, org)
    task = make_task(app, project, owner, title="Write the launch post")
    return SimpleNamespace(org=org, people=people, project=project, label=label, task=task)


@pytest.fixture
def as_user(app: Flask) -> Any:
    """``as_user(user)``: a client signed in as that user."""
    from tests.factories import sign_in

    def client_for(user: Any) -> FlaskClient:
        client = app.test_client()
        sign_in(app, client, user)
        return client

    return client_for


def post(client: FlaskClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """POST as the signed-in user's browser would, with its CSRF token."""
    token = csrf_token(client, "/account/settings")
    return client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)
