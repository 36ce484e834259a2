"""Where the test suite finds PostgreSQL and Redis: the running loopback servers.

``make test`` starts them when they are down (scripts/ensure-services.sh). A test
that needs them and cannot reach them fails with this message instead of skipping:
a skipped service-backed test would hide exactly what it exists to check.

Each test process gets a *lane*: its own database and its own pair of Redis db
numbers. pytest-xdist names its workers gw0, gw1, ...; a run without xdist is lane
``main``. A second run alongside another (a developer next to ``make test``) picks
a free lane with ``PYTEST_XDIST_WORKER=gw7 pytest ...``.
"""

from __future__ import annotations

import os

PG_ADMIN_DSN = os.environ.get(
    "TASKMANAGER_TEST_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
)
REDIS_HOST = os.environ.get("TASKMANAGER_TEST_REDIS_HOST", "127.0.0.1")

# Redis has 16 databases (0-15) and each lane takes two: one for rate limits, one
# for the Celery broker. Lane "main" takes the last pair; xdist lanes count up.
LANES = 8
MAIN_LANE = LANES - 1


def worker_name() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def worker_index() -> int:
    worker = worker_name()
    if worker == "main":
        return MAIN_LANE
    digits = "".join(ch for ch in worker if ch.isdigit())
    index = int(digits or 0)
    if index >= LANES:
        raise RuntimeError(
            f"Test lane {worker!r} has no Redis databases left: Redis has 16, two per lane, "
            f"so use at most -n {LANES} (or PYTEST_XDIST_WORKER=gw0..gw{LANES - 1})."
        )
    return index


def redis_dbs() -> tuple[int, int]:
    """This lane's Redis db numbers: (rate limits and caches, Celery broker)."""
    index = worker_index()
    return 2 * index, 2 * index + 1
