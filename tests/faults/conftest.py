"""Fault fixtures: a broker of the test's own, a real worker process, a gated SMTP sink.

Each fault test gets a throwaway ``redis-server`` as its broker (never the shared
Redis on 6379, which other runs use and which these tests stop), the lane's
PostgreSQL database (committed rows, truncated afterwards by ``committed_app``) and
a loopback SMTP server. The app in the test process and the worker process are
configured alike, the worker only through ``TASKMANAGER_*`` variables.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func
from sqlalchemy import select

from taskmanager import create_app
from taskmanager.extensions import db
from taskmanager.mail.models import OutboundEmail
from taskmanager.mail.services import queue_email
from tests.conftest import DATABASE_URL
from tests.support.redis_server import RedisServer
from tests.support.smtp import GatedInbox
from tests.support.smtp import SMTPServer
from tests.support.waiting import wait_until
from tests.support.worker_process import WorkerProcess
from tests.support.worker_process import worker_environment

# Long enough that messages arrive over a few seconds, so faults land mid-batch.
SMTP_DELAY_SECONDS = 0.05
REQUEUE_TASK = "taskmanager.mail.jobs.requeue_unsent_emails"


@pytest.fixture
def sink() -> Iterator[SMTPServer]:
    with SMTPServer(GatedInbox(delay=SMTP_DELAY_SECONDS)) as server:
        yield server


@pytest.fixture
def broker_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis.log").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def settings(broker_redis: RedisServer, sink: SMTPServer) -> dict[str, object]:
    """The configuration the test's app and its worker process share."""
    return {
        "ENV": "testing",
        "SECRET_KEY": "fault-test-secret-key-that-is-long-enough-0123456789",
        "DATABASE_URL": DATABASE_URL,
        "BROKER_URL": broker_redis.url(0),
        "REDIS_URL": broker_redis.url(1),
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": sink.port,
    }


@pytest.fixture
def fault_app(committed_app: Flask, settings: dict[str, object]) -> Iterator[Flask]:
    """An app on the throwaway broker; its rows are truncated by ``committed_app``."""
    app = create_app({"TESTING": True, **settings})
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        # create_app made this app's Celery the process default; give it back.
        committed_app.extensions["celery"].set_default()


@pytest.fixture
def worker_process(
    fault_app: Flask, settings: dict[str, object], tmp_path: Path
) -> Iterator[WorkerProcess]:
    """A worker process, not started; whatever runs is killed before tables are emptied."""
    env = worker_environment({**settings, "INSTANCE_PATH": tmp_path / "worker-instance"})
    worker = WorkerProcess(env, tmp_path / "worker.log")
    try:
        yield worker
    finally:
        worker.stop()


def queue_batch(app: Flask, count: int, *, tag: str) -> None:
    """Store ``count`` emails in one transaction; their jobs are published on commit."""
    with app.app_context():
        for n in range(count):
            queue_email(
                to=f"{tag}-{n:03d}@example.com",
                subject=f"{tag} message {n:03d}",
                text=f"Message {n} of the {tag} batch.",
                key=f"faults:{tag}:{n:03d}",
            )
        db.session.commit()


def count_emails(app: Flask, *, sent: bool | None = None) -> int:
    query = select(func.count()).select_from(OutboundEmail)
    if sent is not None:
        is_sent = OutboundEmail.sent_at.is_not(None)
        query = query.where(is_sent if sent else ~is_sent)
    with app.app_context():
        return int(db.session.scalar(query) or 0)


def sweep_until_all_sent(
    app: Flask,
    broker: RedisServer,
    *,
    timeout: float,
    worker: WorkerProcess | None = None,
) -> list[int]:
    """Run beat's requeue sweep whenever the queue is empty, until every email is sent.

    Returns how many emails were unsent at each sweep. Jobs a killed worker had
    reserved stay unacknowledged in Redis until the visibility timeout (an hour); jobs
    published while the broker was down, or held by a Redis that restarted empty, are
    gone. The sweep, which beat runs every five minutes in production, republishes
    what is stored but unsent; here it runs as soon as the queue is empty.
    """
    celery_app = app.extensions["celery"]
    queue = broker.client(0)
    unsent_at_sweeps: list[int] = []

    def all_sent() -> bool:
        if worker is not None:
            worker.supervise()
        unsent = count_emails(app, sent=False)
        if unsent == 0:
            return True
        if queue.llen("celery") == 0:
            celery_app.send_task(REQUEUE_TASK, kwargs={"older_than_seconds": 0})
            unsent_at_sweeps.append(unsent)
        return False

    wait_until(all_sent, timeout=timeout, what="every stored email is sent", interval=2.0)
    return unsent_at_sweeps
