"""PostgreSQL and Redis for `make stack`.

PostgreSQL: the running server (``STACK_PG_DSN``), in a database of the stack's own
(``tm_stack``), created once and kept between runs. Redis: a private redis-server on
a free port, unless ``STACK_REDIS_URL`` names one. The machine's shared Redis has
every one of its 16 databases taken by the test lanes, and a test run flushes its
lane's databases, which would empty the stack's job queue.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import redis
from psycopg import sql

from deploy.processes import free_port

PG_DSN = os.environ.get("STACK_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")


def ensure_database(name: str) -> str:
    """The URL of database ``name``, created if it does not exist yet."""
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        info = conn.info
        return f"postgresql://{info.user}@{info.host}:{info.port}/{name}"  # before it closes


@contextlib.contextmanager
def private_redis(workdir: Path) -> Iterator[str]:
    """``redis://host:port`` of a Redis for the stack alone, stopped on exit."""
    given = os.environ.get("STACK_REDIS_URL")
    if given:
        yield given.rstrip("/")
        return
    port = free_port()
    data = workdir / "redis"
    data.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(
        [
            shutil.which("redis-server") or "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(data),
            "--save",
            "",
            "--appendonly",
            "yes",
            "--logfile",
            str(workdir / "redis.log"),
        ],
        start_new_session=True,
    )
    try:
        for _ in range(100):
            with contextlib.suppress(redis.ConnectionError):
                if redis.Redis(port=port).ping():
                    break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)
