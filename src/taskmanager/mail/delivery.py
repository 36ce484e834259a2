"""Turn a stored message into a real email and hand it to the configured backend."""

from __future__ import annotations

import hashlib
import os
import smtplib
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import formatdate
from email.utils import parseaddr

from flask import current_app

from taskmanager.db import utcnow
from taskmanager.mail.models import OutboundEmail
from taskmanager.mail.smtp import SMTPSettings
from taskmanager.mail.smtp import relay

# Failures worth retrying: the SMTP server or the network, not our own bugs.
RETRYABLE = (smtplib.SMTPException, OSError)


def build_message(email: OutboundEmail) -> EmailMessage:
    """The email: From, To, Subject, Date, a stable Message-ID, text and HTML alternatives.

    ``policy.SMTP`` folds and encodes headers (non-ASCII as RFC 2047 words) and ends
    lines with CRLF. Raises ``ValueError`` for a header holding a line break.
    """
    config = current_app.config
    domain = config.get("MAIL_MESSAGE_ID_DOMAIN", "taskmanager.local")
    # The Message-ID derives from the idempotency key: a receiver can dedupe on it.
    digest = hashlib.sha256(email.key.encode()).hexdigest()[:32]
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = email.subject
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = recipient(email)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = f"<{digest}@{domain}>"
    message.set_content(email.text_body)
    if email.html_body is not None:
        message.add_alternative(email.html_body, subtype="html")
    return message


def recipient(email: OutboundEmail) -> str:
    """The address, an internationalized domain in its ASCII (IDNA) form, as before."""
    local, _, domain = email.recipient.rpartition("@")
    if domain.isascii():
        return email.recipient
    return f"{local}@{domain.encode('idna').decode('ascii')}"


def transmit(email: OutboundEmail) -> None:
    """Hand one message to the configured backend. Raises on delivery failure."""
    message = build_message(email)
    config = current_app.config
    if config["MAIL_BACKEND"] == "outbox":
        folder = config["OUTBOX_DIR"]
        os.makedirs(folder, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S")
        path = os.path.join(folder, f"{stamp}-{email.id:06d}.eml")
        with open(path, "wb") as handle:
            handle.write(message.as_bytes())
        return
    relay.send(
        message.as_bytes(),
        sender=parseaddr(config["MAIL_DEFAULT_SENDER"])[1],
        recipient=recipient(email),
        settings=SMTPSettings.from_config(config),
    )


def mark_sent(email: OutboundEmail, when: datetime) -> None:
    email.sent_at = when
    email.attempts += 1
    email.last_error = None
