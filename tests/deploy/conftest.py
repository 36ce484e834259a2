"""The production topology for the deployment tests: nginx, gunicorn, granian, jobs.

One stack for the package on this lane's own database (``tm_test_<lane>_stack``) and
Redis databases, on free loopback ports. The servers run tests/support/deploy_app.py:
the production app plus a slow route.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from redis import Redis

from deploy.processes import free_port
from deploy.stack import Stack
from deploy.stack import StackConfig
from taskmanager import create_app
from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.orgs.models import Organization
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_user
from tests.support.services import PG_ADMIN_DSN
from tests.support.services import REDIS_HOST
from tests.support.services import redis_dbs
from tests.support.services import worker_name

REDIS_DB, BROKER_DB = redis_dbs()
REDIS_URL = f"redis://{REDIS_HOST}:6379/{REDIS_DB}"
BROKER_URL = f"redis://{REDIS_HOST}:6379/{BROKER_DB}"
RAISED_LIMITS = {
    "TASKMANAGER_API_WRITE_RATE_LIMIT": "100000 per minute",
    "TASKMANAGER_API_READ_RATE_LIMIT": "100000 per minute",
    "TASKMANAGER_LOGIN_RATE_LIMIT": "1000 per minute",
}


def fresh_database(name: str, dsn: str = PG_ADMIN_DSN) -> str:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
        host, port = conn.info.host, conn.info.port
    return f"postgresql://postgres@{host}:{port}/{name}"


def stack_config(workdir: Path, database_url: str, **changes: Any) -> StackConfig:
    Redis.from_url(REDIS_URL).flushdb()
    Redis.from_url(BROKER_URL).flushdb()
    settings: dict[str, Any] = {
        "workdir": workdir,
        "port": free_port(),
        "database_url": database_url,
        "redis_url": REDIS_URL,
        "broker_url": BROKER_URL,
        "wsgi_target": "tests.support.deploy_app:app",
        "web_concurrency": 1,
        # Threads enough for the 20 slow requests of the SIGTERM test plus the probe: a
        # server with every thread busy cannot answer its readiness probe at all.
        "env": {
            **RAISED_LIMITS,
            "TASKMANAGER_DRAIN_SECONDS": "2",
            "GUNICORN_THREADS": "24",
            "GRANIAN_BLOCKING_THREADS": "24",
        },
    }
    settings.update(changes)
    return StackConfig(**settings)


def readable_workdir() -> Path:
    """A directory nginx's unprivileged workers can read (pytest's tmp dirs are 0700)."""
    path = Path(tempfile.mkdtemp(prefix=f"tm_stack_{worker_name()}-"))
    path.chmod(0o755)
    return path


# One stack for the package, not one per module: starting one (migrations, two app
# servers, nginx, worker and beat) and draining it cost 30-40 s under load, and the
# load test and test_stack.py each started their own. Both leave it running as they
# found it (test_stack.py restarts the servers it stops; the load test reads only the
# log lines after its own start), and both run in one worker (xdist group "deploy").
# test_postgres_restart.py keeps a stack of its own on its own cluster.
@pytest.fixture(scope="package")
def stack() -> Iterator[Stack]:
    database_url = fresh_database(f"tm_test_{worker_name()}_stack")
    workdir = readable_workdir()
    config = stack_config(workdir, database_url)
    with Stack(config) as running:
        yield running
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="package")
def seeder(stack: Stack) -> Flask:
    """An app on the stack's database, for committing fixtures the servers then read."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "seeder-secret-key-that-is-long-enough-0123",
            "DATABASE_URL": stack.config.database_url,
            "BROKER_URL": stack.config.broker_url,
            "REDIS_URL": stack.config.redis_url,
        }
    )


@pytest.fixture(scope="module")
def team(seeder: Flask) -> Any:
    """A paying team: the pro plan's limits (projects, the 100 MB file nginx admits)."""
    owner = make_user(seeder, name="Stack Owner")
    org = make_org(seeder, owner, name="Stack Org")
    with seeder.app_context(), tenancy.system():
        row = db.session.get(Organization, org.id)
        row.plan, row.subscription_status = "pro", "active"
        db.session.commit()
    project = make_project(seeder, org, name="Stack project")
    return owner, org, project


def log_entries(path: Path) -> list[dict[str, Any]]:
    """The JSON lines of a log; lines that are not JSON (server banners) are skipped."""
    entries = []
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            try:
                entries.append(json.loads(line))
            except ValueError:
                continue
    return entries
