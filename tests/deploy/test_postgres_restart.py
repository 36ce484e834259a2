"""quality.md R15: PostgreSQL restarted under load through nginx.

The servers run against a throwaway PostgreSQL cluster this test creates on a free
port (never the shared server other test lanes use), which it stops and starts
while four clients keep creating tasks. Errors must stop within 10 s of the
database's return, and no write may be half done: every task whose creation was
answered 201 exists, and every task has its "task.created" activity row (same
transaction).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import requests

from deploy.processes import free_port
from deploy.stack import Stack
from tests.deploy.conftest import fresh_database
from tests.deploy.conftest import stack_config
from tests.factories import PASSWORD
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_user

pytestmark = pytest.mark.xdist_group("deploy")
RECOVERY_SECONDS = 10


class Cluster:
    """A PostgreSQL cluster of this test's own, run as the postgres user."""

    def __init__(self) -> None:
        (self.bin,) = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1:]
        self.root = Path(tempfile.mkdtemp(prefix="tm_stack_pg-"))
        os.chmod(self.root, 0o755)
        self.data = self.root / "data"
        self.port = free_port()
        self.user = pwd.getpwnam("postgres")
        os.chown(self.root, self.user.pw_uid, self.user.pw_gid)

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*prefix, *command], check=True, capture_output=True, cwd=self.root, timeout=120
        )

    def init(self) -> Cluster:
        self._run(f"{self.bin}/initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(f"{self.bin}/pg_ctl", "-D", str(self.data), "-o", options, "-w", "start",
                  "-l", str(self.root / "server.log"))  # fmt: skip

    def stop(self) -> None:
        self._run(f"{self.bin}/pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        pytest.fail("initdb not found: install PostgreSQL's server package (postgresql)")
    made = Cluster().init()
    made.start()
    yield made
    made.remove()


@pytest.fixture(scope="module")
def restart_stack(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    database_url = fresh_database("tm_stack_restart", cluster.dsn)
    config = stack_config(tmp_path_factory.mktemp("restart"), database_url, jobs=False)
    with Stack(config) as running:
        yield running


def test_postgres_restart_under_load_recovers_within_10s_without_partial_writes(
    cluster, restart_stack
):
    from taskmanager import create_app

    stack = restart_stack
    seeder = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "seeder-secret-key-that-is-long-enough-0123",
            "DATABASE_URL": stack.config.database_url,
            "BROKER_URL": stack.config.broker_url,
        }
    )
    owner = make_user(seeder)
    project = make_project(seeder, make_org(seeder, owner))
    answer = requests.post(
        f"{stack.config.base_url}/api/v1/auth/tokens",
        json={"email": owner.email, "password": PASSWORD},
        timeout=30,
    )
    bearer = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    outcomes: list[tuple[float, int | str, int | None]] = []
    stop = threading.Event()

    def create_tasks() -> None:
        with requests.Session() as http:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    response = http.post(
                        f"{stack.config.base_url}/api/v1/projects/{project.id}/tasks",
                        json={"title": "written during a restart"},
                        headers=bearer,
                        timeout=30,
                    )
                    task_id = response.json().get("id") if response.status_code == 201 else None
                    outcomes.append((started, response.status_code, task_id))
                except requests.RequestException as error:
                    outcomes.append((started, type(error).__name__, None))
                    time.sleep(0.05)

    threads = [threading.Thread(target=create_tasks) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)
        down_at = time.monotonic()
        cluster.stop()
        time.sleep(3)
        cluster.start()
        back_at = time.monotonic()
        time.sleep(RECOVERY_SECONDS + 3)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    failed_during = [s for started, s, _ in outcomes if down_at <= started < back_at and s != 201]
    assert failed_during, "the restart caused no error: was the database really down?"
    late = [
        (round(started - back_at, 1), status)
        for started, status, _ in outcomes
        if started >= back_at + RECOVERY_SECONDS and status != 201
    ]
    assert late == [], f"errors more than {RECOVERY_SECONDS}s after PostgreSQL returned"
    assert [s for started, s, _ in outcomes if started >= back_at + RECOVERY_SECONDS]

    created = {task_id for _, status, task_id in outcomes if status == 201}
    with psycopg.connect(stack.config.database_url) as conn:
        tasks = {row[0] for row in conn.execute("SELECT id FROM tasks")}
        with_activity = {
            row[0]
            for row in conn.execute(
                "SELECT subject_id FROM activity_events WHERE verb = 'task.created'"
            )
        }
    assert created <= tasks, "a task answered 201 is missing"
    assert tasks == with_activity, "a task was written without its activity row"
