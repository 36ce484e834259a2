"""R16: a job enqueued in a rolled-back transaction is never published; a committed one once.

Counted on the real broker (a throwaway Redis no worker consumes): what is in the
queue is exactly what a worker would run.
"""

from __future__ import annotations

import base64
import json

import pytest
from flask import Flask

from taskmanager.extensions import db
from taskmanager.mail.services import queue_email
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.xdist_group("faults")


def published(broker: RedisServer) -> list[tuple[str, dict[str, object]]]:
    """The jobs waiting in the default queue, as (task name, kwargs)."""
    jobs = []
    for raw in broker.client(0).lrange("celery", 0, -1):
        message = json.loads(raw)
        _args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        jobs.append((message["headers"]["task"], kwargs))
    return jobs


def test_a_rolled_back_transaction_publishes_no_job(
    fault_app: Flask, broker_redis: RedisServer
) -> None:
    with fault_app.app_context():
        queue_email(to="nobody@example.com", subject="Never", text="Rolled back.")
        db.session.rollback()
        db.session.commit()  # an empty commit afterwards must not publish it either

    assert published(broker_redis) == []


def test_a_committed_transaction_publishes_its_job_exactly_once(
    fault_app: Flask, broker_redis: RedisServer
) -> None:
    with fault_app.app_context():
        email = queue_email(to="somebody@example.com", subject="Once", text="Committed.")
        db.session.commit()
        db.session.commit()  # a second commit has nothing left to publish
        email_id = email.id

    assert published(broker_redis) == [
        ("taskmanager.mail.jobs.deliver_email", {"email_id": email_id})
    ]
