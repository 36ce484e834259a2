"""A real prefork worker keeps one SMTP connection per pool process and outlives the server's.

Two pool processes send a batch over at most two connections (one each, never one
shared: their commands would interleave), the SMTP server restarts and so drops
them, and the next batch still arrives, every message exactly once. A warm shutdown
ends the pool processes, each saying QUIT on its way out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from flask import Flask

from tests.faults.conftest import count_emails
from tests.faults.conftest import queue_batch
from tests.support.smtp import SessionInbox
from tests.support.smtp import SMTPServer
from tests.support.waiting import wait_until
from tests.support.worker_process import WorkerProcess

BATCH = 10


@pytest.fixture
def sink() -> Iterator[SMTPServer]:
    with SMTPServer(SessionInbox()) as server:
        yield server


def test_pool_processes_keep_a_connection_each_and_reconnect_after_a_server_restart(
    fault_app: Flask, sink: SMTPServer, worker_process: WorkerProcess
) -> None:
    inbox = sink.inbox
    assert isinstance(inbox, SessionInbox)
    worker_process.start()  # prefork, concurrency 2

    queue_batch(fault_app, BATCH, tag="before")
    wait_until(lambda: len(inbox.messages) >= BATCH, timeout=90, what="the first batch")
    assert 1 <= inbox.connections() <= 2

    sink.restart()
    first = set(inbox.peers)
    queue_batch(fault_app, BATCH, tag="after")
    wait_until(lambda: len(inbox.messages) >= 2 * BATCH, timeout=90, what="the second batch")
    wait_until(lambda: count_emails(fault_app, sent=False) == 0, timeout=30, what="all marked sent")

    subjects = Counter(str(message["Subject"]) for message in inbox.messages)
    assert set(subjects.values()) == {1}, "some message arrived more than once"
    assert len(subjects) == 2 * BATCH
    second = set(inbox.peers) - first
    assert 1 <= len(second) <= 2 and not second & first

    assert worker_process.shut_down() == 0
    wait_until(lambda: inbox.quits == len(second), timeout=15, what="a QUIT from each")
