"""One kept Flask-Mail connection per process: reused, replaced when the server has
closed it, never shared across a fork; a failed send is still recorded and retried.

Each test has a loopback SMTP server of its own (``SessionInbox`` tells which
connection brought each message) and an app pointed at it on the lane's database.
"""

from __future__ import annotations

import multiprocessing
import os
import smtplib
from collections import Counter
from collections.abc import Iterator

import pytest
from flask import Flask

from taskmanager import create_app
from taskmanager.extensions import db
from taskmanager.mail import connection
from taskmanager.mail.delivery import transmit
from taskmanager.mail.jobs import deliver_email
from taskmanager.mail.models import OutboundEmail
from tests.conftest import BROKER_URL
from tests.conftest import DATABASE_URL
from tests.conftest import REDIS_URL
from tests.support.smtp import SessionInbox
from tests.support.smtp import SMTPServer


@pytest.fixture
def sink() -> Iterator[SMTPServer]:
    with SMTPServer(SessionInbox()) as server:
        yield server


@pytest.fixture
def inbox(sink: SMTPServer) -> SessionInbox:
    assert isinstance(sink.inbox, SessionInbox)
    return sink.inbox


@pytest.fixture
def mail_app(committed_app: Flask, sink: SMTPServer) -> Iterator[Flask]:
    """An app sending to ``sink``; its rows are truncated by ``committed_app``."""
    app = create_app({
        "TESTING": True, "ENV": "testing",
        "SECRET_KEY": "mail-test-secret-key-that-is-long-enough-0123456789",
        "DATABASE_URL": DATABASE_URL, "BROKER_URL": BROKER_URL, "REDIS_URL": REDIS_URL,
        "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": sink.port,
    })  # fmt: skip
    try:
        yield app
    finally:
        connection.close()  # this process's connection goes to a server about to stop
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        # create_app made this app's Celery the process default; give it back.
        committed_app.extensions["celery"].set_default()


def store(app: Flask, *names: str) -> dict[str, int]:
    """Stored, committed, unsent messages (no job published): their ids by name."""
    with app.app_context():
        emails = {
            name: OutboundEmail(key=f"connection:{name}", recipient=f"{name}@example.com",
                                subject=f"Message {name}", text_body=f"Message {name}.")
            for name in names
        }  # fmt: skip
        db.session.add_all(emails.values())
        db.session.commit()
        return {name: email.id for name, email in emails.items()}


def deliver(app: Flask, email_id: int) -> str:
    with app.app_context():  # one app context a job, as the worker makes
        return deliver_email(email_id=email_id)


def stored(app: Flask, email_id: int) -> OutboundEmail:
    with app.app_context():
        email = db.session.get(OutboundEmail, email_id)
        assert email is not None
        db.session.expunge(email)
        return email


def subjects(inbox: SessionInbox) -> Counter[str]:
    return Counter(str(message["Subject"]) for message in inbox.messages)


def test_messages_in_a_row_share_one_connection(mail_app: Flask, inbox: SessionInbox) -> None:
    ids = store(mail_app, *"abcde")
    assert [deliver(mail_app, email_id) for email_id in ids.values()] == ["sent"] * 5

    assert subjects(inbox) == {f"Message {name}": 1 for name in "abcde"}
    assert inbox.connections() == 1


def test_a_connection_the_server_closed_is_replaced_before_the_next_message(
    mail_app: Flask, sink: SMTPServer, inbox: SessionInbox
) -> None:
    ids = store(mail_app, "before", "after")
    assert deliver(mail_app, ids["before"]) == "sent"

    sink.restart()  # closes the kept connection between two messages

    assert deliver(mail_app, ids["after"]) == "sent"
    after = stored(mail_app, ids["after"])
    # Replaced before the message went out: no failed attempt, no retry.
    assert (after.attempts, after.last_error) == (1, None)
    assert subjects(inbox) == {"Message before": 1, "Message after": 1}
    assert inbox.connections() == 2


def test_after_idle_a_noop_checks_the_connection_and_a_failed_one_replaces_it(
    mail_app: Flask, inbox: SessionInbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        connection, "PROBE_AFTER_IDLE_SECONDS", 0.0
    )  # every message is "after idle"
    ids = store(mail_app, "first", "answered", "refused")
    assert deliver(mail_app, ids["first"]) == "sent"
    assert deliver(mail_app, ids["answered"]) == "sent"
    assert inbox.connections() == 1  # the NOOP was answered: same connection

    inbox.noop_reply = "421 4.3.2 Service shutting down"
    assert deliver(mail_app, ids["refused"]) == "sent"

    assert subjects(inbox) == {"Message first": 1, "Message answered": 1, "Message refused": 1}
    assert inbox.connections() == 2


def test_a_failed_send_is_recorded_and_its_retry_goes_over_a_new_connection(
    mail_app: Flask, inbox: SessionInbox
) -> None:
    ids = store(mail_app, "fine", "refused")
    assert deliver(mail_app, ids["fine"]) == "sent"

    inbox.refuse_next = True  # 451 to the message's text, on the kept connection
    # Called directly, the job raises what its worker would retry (autoretry_for).
    with pytest.raises(smtplib.SMTPDataError):
        deliver(mail_app, ids["refused"])
    failed = stored(mail_app, ids["refused"])
    assert (failed.sent_at, failed.attempts) == (None, 1)
    assert failed.last_error is not None and "451" in failed.last_error

    assert deliver(mail_app, ids["refused"]) == "sent"  # the retry
    assert stored(mail_app, ids["refused"]).attempts == 2
    assert subjects(inbox) == {"Message fine": 1, "Message refused": 1}
    assert inbox.connections() == 2  # the failed connection was not reused


def _child_sends(app: Flask) -> None:
    # A pool process that ends before it sent anything must not say QUIT on its
    # parent's session; then its message goes over a connection of its own.
    connection.close()
    with app.app_context():
        transmit(_email("child"))
    os._exit(0)  # as a prefork pool process leaves


def _email(name: str) -> OutboundEmail:
    return OutboundEmail(id=0, key=f"fork:{name}", recipient=f"{name}@example.com",
                         subject=f"Message {name}", text_body=f"Message {name}.")  # fmt: skip


def test_a_forked_child_never_uses_its_parents_connection(
    mail_app: Flask, inbox: SessionInbox
) -> None:
    with mail_app.app_context():
        transmit(_email("parent before"))
    child = multiprocessing.get_context("fork").Process(target=_child_sends, args=(mail_app,))
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0
    with mail_app.app_context():
        transmit(_email("parent after"))

    parent_before, from_child, parent_after = inbox.peers
    assert parent_before == parent_after  # the parent's session outlived the child
    assert from_child != parent_before
    assert inbox.quits == 0
