"""Where the test suite finds PostgreSQL and Redis: the running loopback servers.

``make test`` starts them when they are down (scripts/ensure-services.sh). A test
that needs them and cannot reach them fails with this message instead of skipping:
a skipped service-backed test would hide exactly what it exists to check.
"""

from __future__ import annotations

import os

PG_ADMIN_DSN = os.environ.get(
    "TASKMANAGER_TEST_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
)
REDIS_HOST = os.environ.get("TASKMANAGER_TEST_REDIS_HOST", "127.0.0.1")


def worker_index() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    digits = "".join(ch for ch in worker if ch.isdigit())
    return int(digits or 0) + (0 if worker.startswith("gw") else 5)
