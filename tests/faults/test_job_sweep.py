"""Imports are never lost nor repeated: a broker down at commit, a double publish, a SIGKILL.

The broker is the test's own ``redis-server`` and the worker a real prefork process
(two pool processes), both configured like production. Rate limits keep to the
lane's Redis so that stopping the broker stops only the broker. A worker is judged
dead after ten seconds without a heartbeat here (ten minutes in production): soon
enough for a test, and well above the time one batch takes on a busy machine.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import distinct
from sqlalchemy import func
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.imports import services
from taskmanager.imports.models import Job
from taskmanager.orgs.services import member
from taskmanager.projects.models import Project
from taskmanager.tasks.models import Task
from tests.conftest import REDIS_URL
from tests.factories import PASSWORD
from tests.factories import make_org
from tests.factories import make_project
from tests.support.redis_server import RedisServer
from tests.support.waiting import wait_until
from tests.support.worker_process import WorkerProcess

pytestmark = pytest.mark.xdist_group("faults")

RUN_IMPORT = "taskmanager.imports.jobs.run_import"
SWEEP = "taskmanager.imports.jobs.requeue_stuck_jobs"


@pytest.fixture
def settings(settings: dict[str, object]) -> dict[str, object]:
    return {**settings, "REDIS_URL": REDIS_URL, "JOB_STALE_SECONDS": 10}


@pytest.fixture
def project(fault_app: Flask, make_user: Callable[..., object]) -> Project:
    owner = make_user()
    org = make_org(fault_app, owner, name="Imports")
    found: Project = make_project(fault_app, org)
    found.owner = owner  # type: ignore[attr-defined]
    return found


def csv_of(count: int) -> str:
    return "title\n" + "".join(f"Imported task {n}\n" for n in range(count))


def start_import(app: Flask, project: Project, count: int) -> int:
    """Start an import as the project's owner would; its job is published on commit."""
    with app.app_context(), tenancy.system():
        actor = member(project.organization_id, project.owner.id)  # type: ignore[attr-defined]
        row = db.session.get(Project, project.id)
        assert row is not None
        return services.start_import(actor=actor, project=row, content=csv_of(count).encode()).id


def job_state(app: Flask, job_id: int) -> tuple[str, int, int]:
    with app.app_context(), tenancy.system():
        job = db.session.get(Job, job_id)
        assert job is not None
        return job.state, job.done, job.attempts


def imported(app: Flask, project: Project) -> tuple[int, int]:
    """How many tasks the project has, and how many distinct titles among them."""
    query = select(func.count(), func.count(distinct(Task.title))).where(
        Task.project_id == project.id
    )
    with app.app_context(), tenancy.system():
        count, titles = db.session.execute(query).one()
    return count, titles


def progress_and_tasks(app: Flask, job_id: int) -> tuple[str, int, int]:
    """The job's state and progress, and its project's task count, read at one instant."""
    tasks = (
        select(func.count())
        .where(Task.project_id == Job.project_id)
        .scalar_subquery()
        .correlate(Job)
    )
    with app.app_context(), tenancy.system():
        state, done, count = db.session.execute(
            select(Job.state, Job.done, tasks).where(Job.id == job_id)
        ).one()
    return state, done, count


def sweep_until_done(app: Flask, broker: RedisServer, job_id: int, *, timeout: float) -> int:
    """Run beat's sweep whenever the queue is empty, until the job is done; how many sweeps."""
    celery_app = app.extensions["celery"]
    sweeps = 0

    def done() -> bool:
        nonlocal sweeps
        if job_state(app, job_id)[0] == "done":
            return True
        if broker.client(0).llen("celery") == 0:
            celery_app.send_task(SWEEP, kwargs={"older_than_seconds": 0})
            sweeps += 1
        return False

    wait_until(done, timeout=timeout, what=f"job {job_id} is done", interval=1.0)
    return sweeps


def test_an_import_committed_while_the_broker_is_down_runs_once_after_the_sweep(
    fault_app: Flask,
    broker_redis: RedisServer,
    worker_process: WorkerProcess,
    project: Project,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = fault_app.test_client()
    owner = project.owner  # type: ignore[attr-defined]
    signed_in = client.post(
        "/api/v1/auth/tokens", json={"email": owner.email, "password": PASSWORD}
    )
    bearer = {"Authorization": f"Bearer {signed_in.json['access_token']}"}
    broker_redis.stop()

    with caplog.at_level(logging.ERROR, logger="taskmanager.jobs"):
        response = client.post(
            f"/api/v1/orgs/{project.organization_id}/imports",
            headers=bearer,
            data={"project_id": str(project.id), "file": (io.BytesIO(csv_of(3).encode()), "t.csv")},
            content_type="multipart/form-data",
        )

    assert response.status_code == 202, response.json
    assert "Broker unreachable" in caplog.text
    job_id = response.json["id"]
    broker_redis.start()
    worker_process.start()
    assert broker_redis.client(0).llen("celery") == 0, "the job's message should be lost"
    assert job_state(fault_app, job_id)[0] == "queued"

    sweep_until_done(fault_app, broker_redis, job_id, timeout=60)

    assert imported(fault_app, project) == (3, 3)
    polled = client.get(f"/api/v1/jobs/{job_id}", headers=bearer).json
    assert (polled["state"], polled["done"], polled["total"]) == ("done", 3, 3)


def test_the_same_import_published_twice_runs_once(
    fault_app: Flask,
    broker_redis: RedisServer,
    worker_process: WorkerProcess,
    project: Project,
    tmp_path: Path,
) -> None:
    job_id = start_import(fault_app, project, 2000)
    fault_app.extensions["celery"].send_task(RUN_IMPORT, kwargs={"job_id": job_id})
    assert broker_redis.client(0).llen("celery") == 2

    # Both copies are waiting, so the worker's two pool processes take one each at once.
    worker_process.start()
    wait_until(
        lambda: job_state(fault_app, job_id)[0] == "done", timeout=120, what="the import is done"
    )

    assert imported(fault_app, project) == (2000, 2000)
    assert job_state(fault_app, job_id) == ("done", 2000, 1)
    worker_log = tmp_path / "worker.log"
    wait_until(
        lambda: "'nothing to do'" in worker_log.read_text(),
        timeout=30,
        what="the second copy returns without doing anything",
    )
    assert worker_log.read_text().count("'done'") == 1


def test_an_import_whose_worker_is_killed_mid_file_resumes_and_imports_each_row_once(
    fault_app: Flask,
    broker_redis: RedisServer,
    worker_process: WorkerProcess,
    project: Project,
) -> None:
    rows = 5000
    worker_process.start()
    job_id = start_import(fault_app, project, rows)
    wait_until(
        lambda: job_state(fault_app, job_id)[1] >= 500,
        timeout=60,
        what="a few batches are committed",
    )

    worker_process.kill()

    state, done_at_kill, tasks_at_kill = progress_and_tasks(fault_app, job_id)
    assert state == "running" and done_at_kill < rows, "the kill came too late to test anything"
    assert tasks_at_kill == done_at_kill, "each batch commits with its progress"
    worker_process.start()
    sweeps = sweep_until_done(fault_app, broker_redis, job_id, timeout=120)

    print(f"Killed at row {done_at_kill} of {rows}; done after {sweeps} sweep(s)")
    assert imported(fault_app, project) == (rows, rows)
    final_state, done, attempts = job_state(fault_app, job_id)
    assert (final_state, done) == ("done", rows)
    assert attempts >= 2, "a second execution took over"
