"""R13: SIGKILL the Celery worker repeatedly during 100 emails; each arrives exactly once.

Where each kill lands, and why. A worker killed mid-job loses nothing: its jobs were
acknowledged late and its row locks die with its connection, and the requeue sweep
republishes every stored email still unsent. What SMTP cannot promise is exactly once
across one window: after the receiving server has the whole message and before our
commit records it as sent. A kill there makes the redelivered job send it again, and
no sender can tell (RFC 1047); only a receiver that drops repeated Message-IDs closes
it, and this sink does not, so the assertion below stays strict.

So each kill is aimed, not timed: the sink closes its gate, holding every new delivery
at RCPT (nothing of its message sent yet), and the kill comes once the worker is held
there mid-job and every message the sink accepted is committed as sent. The worker
still dies with jobs reserved, rows locked and SMTP sessions open.
"""

from __future__ import annotations

from collections import Counter

import pytest
from flask import Flask

from tests.faults.conftest import count_emails
from tests.faults.conftest import queue_batch
from tests.faults.conftest import sweep_until_all_sent
from tests.support.redis_server import RedisServer
from tests.support.smtp import GatedInbox
from tests.support.smtp import SMTPServer
from tests.support.waiting import wait_until
from tests.support.worker_process import WorkerProcess

pytestmark = pytest.mark.xdist_group("faults")

EMAILS = 100
KILL_AFTER_ACCEPTED = (15, 40, 65)


def kill_mid_job(worker: WorkerProcess, inbox: GatedInbox, app: Flask) -> None:
    inbox.close_gate()

    def only_held_deliveries_unrecorded() -> bool:
        held, in_flight, accepted = inbox.counts()
        # With the gate closed in_flight only falls and, at 0, accepted stops moving.
        return held > 0 and in_flight == 0 and count_emails(app, sent=True) == accepted

    wait_until(
        only_held_deliveries_unrecorded,
        timeout=60,
        what="the worker is held mid-delivery and every accepted message is recorded",
    )
    worker.kill()
    inbox.open_gate()


def test_sigkilled_workers_deliver_every_email_exactly_once(
    fault_app: Flask,
    broker_redis: RedisServer,
    worker_process: WorkerProcess,
    sink: SMTPServer,
) -> None:
    inbox = sink.inbox
    assert isinstance(inbox, GatedInbox)
    worker_process.start()
    queue_batch(fault_app, EMAILS, tag="r13")

    for threshold in KILL_AFTER_ACCEPTED:
        wait_until(
            lambda: len(inbox.messages) >= threshold,  # noqa: B023 - used in this iteration
            timeout=60,
            what=f"{threshold} messages arrive",
        )
        kill_mid_job(worker_process, inbox, fault_app)
        worker_process.start()

    unsent_at_sweeps = sweep_until_all_sent(fault_app, broker_redis, timeout=120)

    subjects = Counter(str(message["Subject"]) for message in inbox.messages)
    message_ids = Counter(str(message["Message-ID"]) for message in inbox.messages)
    print(
        f"R13: {EMAILS} emails, {worker_process.kills} SIGKILLs, {worker_process.starts} "
        f"worker starts, {inbox.counts()[2]} messages received, "
        f"{sum(n - 1 for n in message_ids.values())} duplicates; "
        f"unsent when the queue ran dry, at each sweep: {unsent_at_sweeps}"
    )
    assert worker_process.kills == len(KILL_AFTER_ACCEPTED)
    assert sorted(subjects) == [f"r13 message {n:03d}" for n in range(EMAILS)]
    assert set(subjects.values()) == {1}, "some message arrived more than once"
    assert len(message_ids) == EMAILS
    assert count_emails(fault_app, sent=True) == EMAILS
