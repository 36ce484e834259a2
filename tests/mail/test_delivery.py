"""Delivery: the email each stored message becomes, and one SMTP connection reused safely."""

from __future__ import annotations

import hashlib
import smtplib
from collections.abc import Iterator
from email import policy
from email.parser import BytesParser
from typing import Any

import pytest
from sqlalchemy import select

from taskmanager.extensions import db
from taskmanager.mail.jobs import deliver_email
from taskmanager.mail.models import OutboundEmail
from taskmanager.mail.services import queue_email
from taskmanager.mail.smtp import relay
from tests.support.smtp import SessionInbox
from tests.support.smtp import SMTPServer
from tests.support.smtp import text_of

TEXT = "Ana assigned you a task:\n\n  Write the release notes\n"
HTML = "<p>Ana assigned you a task: <b>Write the release notes</b></p>" * 4


@pytest.fixture
def server(app: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[SMTPServer]:
    """A sink of this test's own, which the app sends to; no connection open at the start."""
    sink = SMTPServer(SessionInbox()).start()
    monkeypatch.setitem(app.config, "MAIL_PORT", sink.port)
    relay.close()
    try:
        yield sink
    finally:
        relay.close()
        sink.stop()


def send(app: Any, key: str, *, to: str = "ben@example.com", html: str | None = HTML) -> str:
    """Store a message and run its delivery job here, as the worker would."""
    with app.app_context():
        queue_email(to=to, subject=f"Task {key}", text=TEXT, html=html, key=key)
        db.session.commit()
        email_id = db.session.scalar(select(OutboundEmail.id).where(OutboundEmail.key == key))
        return str(deliver_email(email_id=email_id))


def stored(app: Any, key: str) -> OutboundEmail:
    with app.app_context():
        email = db.session.scalar(select(OutboundEmail).where(OutboundEmail.key == key))
        db.session.expunge(email)
        return email


def test_an_email_carries_its_headers_and_both_parts(app, server):
    assert send(app, "headers:1") == "sent"

    (message,) = server.inbox.messages
    digest = hashlib.sha256(b"headers:1").hexdigest()[:32]
    assert message.get_all("Message-ID") == [f"<{digest}@taskmanager.local>"]
    assert str(message["From"]) == "TaskManager <no-reply@taskmanager.local>"
    assert str(message["To"]) == "ben@example.com"
    assert str(message["Subject"]) == "Task headers:1"
    assert message["Date"].datetime is not None
    assert message.get_content_type() == "multipart/alternative"
    assert text_of(message).splitlines() == TEXT.splitlines()
    assert message.get_body(preferencelist=("html",)).get_content().splitlines() == [HTML]


def test_a_text_only_email_is_one_plain_part(app, server):
    send(app, "plain:1", html=None)

    (message,) = server.inbox.messages
    assert message.get_content_type() == "text/plain"
    assert message.get_content().splitlines() == TEXT.splitlines()


def test_a_non_ascii_subject_and_an_international_domain_arrive_readable(app, server):
    with app.app_context():
        queue_email(to="zoe@bücher.example", subject="Zoë: ça marche", text="Déjà vu", key="intl")
        db.session.commit()
        email_id = db.session.scalar(select(OutboundEmail.id).where(OutboundEmail.key == "intl"))
        assert deliver_email(email_id=email_id) == "sent"

    (message,) = server.inbox.messages
    assert str(message["Subject"]) == "Zoë: ça marche"
    assert str(message["To"]) == "zoe@xn--bcher-kva.example"
    assert text_of(message).splitlines() == ["Déjà vu"]


def test_messages_sent_by_one_process_share_one_connection(app, server):
    for n in range(3):
        assert send(app, f"reuse:{n}") == "sent"

    assert len(server.inbox.messages) == 3
    assert server.inbox.connections() == 1


def test_a_server_restarted_between_messages_gets_the_next_one_once(app, server):
    send(app, "restart:1")
    server.restart()  # drops the connection the process keeps open

    assert send(app, "restart:2") == "sent"

    subjects = [str(m["Subject"]) for m in server.inbox.messages]
    assert subjects == ["Task restart:1", "Task restart:2"]
    assert server.inbox.connections() == 2
    assert stored(app, "restart:2").attempts == 1


class OneMessageAConnection(SessionInbox):
    """Says 421 and hangs up at a connection's second message, as relays with a limit do."""

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if session.peer in self.peers:
            server.transport.close()
            return "421 4.7.0 One message a connection, closing"
        envelope.mail_from = address
        return "250 OK"


def test_a_server_closing_at_the_next_message_gets_it_on_a_new_connection(app, monkeypatch):
    sink = SMTPServer(OneMessageAConnection()).start()
    monkeypatch.setitem(app.config, "MAIL_PORT", sink.port)
    relay.close()
    try:
        assert [send(app, f"limit:{n}") for n in range(3)] == ["sent"] * 3

        assert [str(m["Subject"]) for m in sink.inbox.messages] == [
            f"Task limit:{n}" for n in range(3)
        ]
        assert sink.inbox.connections() == 3
        assert stored(app, "limit:2").attempts == 1
    finally:
        relay.close()
        sink.stop()


class StopsListening(SessionInbox):
    """Hangs up on every MAIL once ``closing`` is set, counting the MAILs it hung up on."""

    closing = False
    hung_up = 0

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.closing:
            self.hung_up += 1
            server.transport.close()
            return "421 4.3.2 Shutting down"
        envelope.mail_from = address
        return "250 OK"


def test_a_server_that_drops_every_connection_fails_the_attempt_after_one_reconnect(
    app, monkeypatch
):
    sink = SMTPServer(StopsListening()).start()
    monkeypatch.setitem(app.config, "MAIL_PORT", sink.port)
    relay.close()
    try:
        send(app, "stops:1")
        sink.inbox.closing = True

        with pytest.raises(smtplib.SMTPServerDisconnected):
            send(app, "stops:2")

        assert sink.inbox.hung_up == 2  # the kept connection, then one new one
        failed = stored(app, "stops:2")
        assert (failed.sent_at, failed.attempts) == (None, 1)
    finally:
        relay.close()
        sink.stop()


class DropsAfterAccepting(SessionInbox):
    """Keeps the message, then hangs up before saying so: the sender cannot know."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        status = await super().handle_DATA(server, session, envelope)
        server.transport.close()
        return status


def test_a_connection_lost_after_the_message_went_out_is_not_resent(app, monkeypatch):
    sink = SMTPServer(DropsAfterAccepting()).start()
    monkeypatch.setitem(app.config, "MAIL_PORT", sink.port)
    relay.close()
    try:
        # The job's retry decides what happens next, not a silent second send.
        with pytest.raises(smtplib.SMTPServerDisconnected):
            send(app, "lost:1")
        assert len(sink.inbox.messages) == 1
        failed = stored(app, "lost:1")
        assert (failed.sent_at, failed.attempts) == (None, 1)
        assert "closed" in (failed.last_error or "")
    finally:
        relay.close()
        sink.stop()


class RefusesFirst(SessionInbox):
    """Answers the first message with a temporary failure, then accepts."""

    refused = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if not self.refused:
            self.refused += 1
            return "451 Try again later"
        return await super().handle_DATA(server, session, envelope)


def test_a_refused_message_is_delivered_by_the_jobs_retry(app, monkeypatch):
    sink = SMTPServer(RefusesFirst()).start()
    monkeypatch.setitem(app.config, "MAIL_PORT", sink.port)
    relay.close()
    try:
        with pytest.raises(smtplib.SMTPDataError):
            send(app, "retry:1")
        with app.app_context():
            # What Celery's autoretry runs again.
            assert deliver_email(email_id=stored(app, "retry:1").id) == "sent"

        assert [str(m["Subject"]) for m in sink.inbox.messages] == ["Task retry:1"]
        assert stored(app, "retry:1").attempts == 2
    finally:
        relay.close()
        sink.stop()


def test_closing_says_quit(app, server):
    send(app, "quit:1")

    relay.close()

    assert server.inbox.quits == 1


def test_the_outbox_holds_the_same_email(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "outbox")
    monkeypatch.setitem(app.config, "OUTBOX_DIR", str(tmp_path))

    send(app, "outbox:1")

    (path,) = tmp_path.glob("*.eml")
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert str(message["To"]) == "ben@example.com"
    assert str(message["Subject"]) == "Task outbox:1"
    assert len(message.get_all("Message-ID")) == 1
    assert text_of(message).splitlines() == TEXT.splitlines()  # type: ignore[arg-type]
