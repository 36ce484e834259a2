"""Where the test suite finds PostgreSQL and Redis: the running loopback servers.

``make test`` starts them when they are down (scripts/ensure-services.sh). A test
that needs them and cannot reach them fails with this message instead of skipping:
a skipped service-backed test would hide exactly what it exists to check.

Each test process gets a *lane*: its own database and its own pair of Redis db
numbers. pytest-xdist names its workers gw0, gw1, ...; a run without xdist is lane
``main``. A second run alongside another (a developer next to ``make test``) moves
its lanes up: ``TASKMANAGER_TEST_LANE_OFFSET=6 pytest -n 2`` runs in lanes 6 and 7,
``PYTEST_XDIST_WORKER=gw7 pytest`` (no xdist) in lane 7.
"""

from __future__ import annotations

import os

PG_ADMIN_DSN = os.environ.get(
    "TASKMANAGER_TEST_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
)
REDIS_HOST = os.environ.get("TASKMANAGER_TEST_REDIS_HOST", "127.0.0.1")

# Redis has 16 databases (0-15) by default and each lane takes two: one for rate
# limits, one for the Celery broker. Lane "main" takes the last pair; xdist lanes
# count up. A developer whose Redis runs with more databases (--databases 32) may
# raise TASKMANAGER_TEST_LANES to run more suites side by side.
LANES = int(os.environ.get("TASKMANAGER_TEST_LANES", "8"))
MAIN_LANE = LANES - 1


def worker_index() -> int:
    """This process's lane number, 0 to 7."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if worker == "main":
        return MAIN_LANE
    digits = "".join(ch for ch in worker if ch.isdigit())
    index = int(digits or 0) + int(os.environ.get("TASKMANAGER_TEST_LANE_OFFSET", "0"))
    if index >= LANES:
        raise RuntimeError(
            f"Test worker {worker!r} would need lane {index}: Redis has 16 databases, two per "
            f"lane, so workers plus TASKMANAGER_TEST_LANE_OFFSET must stay under {LANES} "
            "(TASKMANAGER_TEST_LANES raises it when Redis has more databases)."
        )
    return index


def worker_name() -> str:
    """This lane's name, which also names its PostgreSQL database."""
    if os.environ.get("PYTEST_XDIST_WORKER", "main") == "main":
        return "main"
    return f"gw{worker_index()}"


def redis_dbs() -> tuple[int, int]:
    """This lane's Redis db numbers: (rate limits and caches, Celery broker)."""
    index = worker_index()
    return 2 * index, 2 * index + 1
