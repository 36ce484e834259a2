"""Queue an email: store it, then deliver it from the worker after commit."""

from __future__ import annotations

import os

from sqlalchemy import select

from taskmanager.extensions import db
from taskmanager.jobs import enqueue_after_commit
from taskmanager.mail.jobs import deliver_email
from taskmanager.mail.models import OutboundEmail


def queue_email(
    *, to: str, subject: str, text: str, html: str | None = None, key: str | None = None
) -> OutboundEmail:
    """Store a message in the caller's transaction; a job delivers it after commit.

    ``key`` names the logical message. A second call with a key already stored
    returns the stored message and queues nothing, so callers may retry freely.
    """
    key = key or f"adhoc:{os.urandom(16).hex()}"
    existing = db.session.scalar(select(OutboundEmail).where(OutboundEmail.key == key))
    if existing is not None:
        return existing
    email = OutboundEmail(key=key, recipient=to, subject=subject, text_body=text, html_body=html)
    db.session.add(email)
    db.session.flush()
    enqueue_after_commit(deliver_email, email_id=email.id)
    return email
