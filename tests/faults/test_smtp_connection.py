"""A real worker keeps one SMTP connection per pool process, and outlives the server's.

The prefork worker (concurrency 1: one pool process, one connection) sends a batch,
the SMTP server restarts and so drops that connection, and the next batch still
arrives, every message exactly once, on a second connection. A warm shutdown ends the
pool process, which says QUIT on its way out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.faults.conftest import count_emails
from tests.faults.conftest import queue_batch
from tests.support.smtp import SessionInbox
from tests.support.smtp import SMTPServer
from tests.support.waiting import wait_until
from tests.support.worker_process import WorkerProcess
from tests.support.worker_process import worker_environment

BATCH = 5


@pytest.fixture
def sink() -> Iterator[SMTPServer]:
    server = SMTPServer(SessionInbox()).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def one_process_worker(
    fault_app: Flask, settings: dict[str, object], tmp_path: Path
) -> Iterator[WorkerProcess]:
    env = worker_environment({**settings, "INSTANCE_PATH": tmp_path / "worker-instance"})
    worker = WorkerProcess(env, tmp_path / "worker.log", concurrency=1)
    try:
        yield worker
    finally:
        worker.stop()


def test_a_worker_reuses_its_connection_and_reconnects_after_a_server_restart(
    fault_app: Flask, sink: SMTPServer, one_process_worker: WorkerProcess
) -> None:
    inbox = sink.inbox
    assert isinstance(inbox, SessionInbox)
    one_process_worker.start()

    queue_batch(fault_app, BATCH, tag="before")
    wait_until(lambda: len(inbox.messages) >= BATCH, timeout=60, what="the first batch")
    assert inbox.connections() == 1

    sink.restart()
    queue_batch(fault_app, BATCH, tag="after")
    wait_until(lambda: len(inbox.messages) >= 2 * BATCH, timeout=60, what="the second batch")
    wait_until(lambda: count_emails(fault_app, sent=False) == 0, timeout=30, what="all marked sent")

    subjects = Counter(str(message["Subject"]) for message in inbox.messages)
    assert set(subjects.values()) == {1}, "some message arrived more than once"
    assert len(subjects) == 2 * BATCH
    assert inbox.connections() == 2

    assert one_process_worker.shut_down() == 0
    assert inbox.quits == 1
