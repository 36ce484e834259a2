"""Turn a stored message into a real email and hand it to the configured backend."""

from __future__ import annotations

import hashlib
import os
import smtplib
from datetime import datetime

from flask import current_app
from flask_mail import Message

from taskmanager.db import utcnow
from taskmanager.mail import connection
from taskmanager.mail.models import OutboundEmail

# Failures worth retrying: the SMTP server or the network, not our own bugs.
RETRYABLE = (smtplib.SMTPException, OSError)


def build_message(email: OutboundEmail) -> Message:
    domain = current_app.config.get("MAIL_MESSAGE_ID_DOMAIN", "taskmanager.local")
    # The Message-ID derives from the idempotency key: a receiver can dedupe on it.
    digest = hashlib.sha256(email.key.encode()).hexdigest()[:32]
    message = Message(
        subject=email.subject,
        recipients=[email.recipient],
        body=email.text_body,
        html=email.html_body,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
    )
    # Flask-Mail's own attribute, not an extra header: an extra Message-ID is written
    # after Flask-Mail's random one, and receivers read the first.
    message.msgId = f"<{digest}@{domain}>"
    return message


def transmit(email: OutboundEmail) -> None:
    """Hand one message to the configured backend. Raises on delivery failure."""
    message = build_message(email)
    if current_app.config["MAIL_BACKEND"] == "outbox":
        folder = current_app.config["OUTBOX_DIR"]
        os.makedirs(folder, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S")
        path = os.path.join(folder, f"{stamp}-{email.id:06d}.eml")
        with open(path, "wb") as handle:
            handle.write(message.as_bytes())
        return
    # Over this process's kept connection (connection.py), not a new one a message.
    connection.send(message)


def mark_sent(email: OutboundEmail, when: datetime) -> None:
    email.sent_at = when
    email.attempts += 1
    email.last_error = None
