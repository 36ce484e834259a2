"""R14: Redis stops mid-batch. Readiness says so, other pages carry on, no email is lost.

The broker is a throwaway ``redis-server`` without persistence: stopping it loses
the jobs it held, and jobs published while it is down fail. Neither loses an email,
because every email is a stored row first; the requeue sweep publishes again what
is stored but unsent, and the delivery job skips what was already sent.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from taskmanager.extensions import db
from taskmanager.mail.models import OutboundEmail
from tests.conftest import post
from tests.conftest import post_form
from tests.factories import PASSWORD
from tests.factories import make_org
from tests.factories import sign_in
from tests.faults.conftest import count_emails
from tests.faults.conftest import queue_batch
from tests.faults.conftest import sweep_until_all_sent
from tests.support.redis_server import RedisServer
from tests.support.smtp import SMTPServer
from tests.support.waiting import wait_until
from tests.support.worker_process import WorkerProcess

pytestmark = pytest.mark.xdist_group("faults")

BEFORE = 40
DURING = 10
INVITEE = "invitee-r14@example.com"


def stored_recipients(app: Flask) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(OutboundEmail.recipient)))


def test_a_redis_outage_mid_batch_loses_no_email_and_repeats_none(
    fault_app: Flask,
    broker_redis: RedisServer,
    worker_process: WorkerProcess,
    sink: SMTPServer,
    make_user: Callable[..., object],
    caplog: pytest.LogCaptureFixture,
) -> None:
    inbox = sink.inbox
    client = fault_app.test_client()
    owner = make_user()
    sign_in(fault_app, client, owner)
    org = make_org(fault_app, owner)
    worker_process.start()
    queue_batch(fault_app, BEFORE, tag="r14-before")
    wait_until(lambda: len(inbox.messages) >= 10, timeout=60, what="10 messages arrive")

    broker_redis.stop()

    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert "broker" in ready.json["failed"]
    assert "database" not in ready.json["failed"]
    visitor = fault_app.test_client()
    assert visitor.get("/livez").status_code == 200
    assert visitor.get("/").status_code == 200
    assert visitor.get("/login").status_code == 200
    assert client.get("/dashboard").status_code == 200
    # Rate-limited forms keep working: the limits fall back to this process's memory.
    signing_in = post_form(visitor, "/login", {"email": owner.email, "password": PASSWORD})
    assert signing_in.status_code == 302, signing_in.get_data(as_text=True)[:300]
    tokens = visitor.post("/api/v1/auth/tokens", json={"email": owner.email, "password": PASSWORD})
    assert tokens.status_code == 201, tokens.get_json()
    with caplog.at_level(logging.ERROR, logger="taskmanager.jobs"):
        invited = post(client, f"/o/{org.slug}/invitations", {"email": INVITEE, "role": "member"})
        queue_batch(fault_app, DURING, tag="r14-during")
    assert invited.status_code == 303
    assert "Broker unreachable" in caplog.text
    assert count_emails(fault_app) == BEFORE + DURING + 1

    broker_redis.start()
    wait_until(
        lambda: client.get("/readyz").status_code == 200,
        timeout=30,
        what="/readyz answers 200 again",
    )
    unsent_at_sweeps = sweep_until_all_sent(fault_app, broker_redis, timeout=120)

    received = Counter(str(message["To"]) for message in inbox.messages)
    message_ids = Counter(str(message["Message-ID"]) for message in inbox.messages)
    print(
        f"R14: {BEFORE} emails before the outage, {DURING} + 1 invitation during it; "
        f"{len(inbox.messages)} messages received, "
        f"{sum(n - 1 for n in message_ids.values())} duplicates; "
        f"unsent at each sweep: {unsent_at_sweeps}"
    )
    assert sorted(received) == stored_recipients(fault_app)
    assert set(received.values()) == {1}, "some message arrived more than once"
    assert len(message_ids) == BEFORE + DURING + 1
    assert count_emails(fault_app, sent=False) == 0
