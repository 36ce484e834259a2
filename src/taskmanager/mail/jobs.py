"""The delivery job: sends one stored message, exactly once per logical message."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from sqlalchemy import select

from taskmanager.db import utcnow
from taskmanager.extensions import db
from taskmanager.jobs import requeue
from taskmanager.mail.delivery import RETRYABLE
from taskmanager.mail.delivery import mark_sent
from taskmanager.mail.delivery import transmit
from taskmanager.mail.models import OutboundEmail

MAX_ATTEMPTS = 10


@shared_task(
    autoretry_for=RETRYABLE,
    retry_backoff=2,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=MAX_ATTEMPTS,
)
def deliver_email(*, email_id: int) -> str:
    """Send the stored message ``email_id`` unless it was already sent.

    The row stays locked while sending, so a redelivered copy of this job waits and
    then finds ``sent_at`` set. If the worker dies mid-send the lock goes with its
    transaction and the redelivered job sends again: SMTP offers no stronger promise,
    and the stable Message-ID lets the receiving side drop that rare duplicate.
    """
    email = db.session.scalar(
        select(OutboundEmail).where(OutboundEmail.id == email_id).with_for_update()
    )
    if email is None:
        return "missing"
    if email.sent_at is not None:
        db.session.rollback()
        return "already-sent"
    try:
        transmit(email)
    except RETRYABLE as error:
        email.attempts += 1
        email.last_error = str(error)[:500]
        db.session.commit()
        raise
    mark_sent(email, utcnow())
    db.session.commit()
    return "sent"


@shared_task
def requeue_unsent_emails(older_than_seconds: int = 300) -> int:
    """Publish again the messages whose first publish was lost (the broker was down).

    Publishing happens after commit, so a broker outage at that moment leaves a stored
    but unsent message; this sweep (run by beat) picks it up. Sending twice is
    impossible: the delivery job skips a message already sent.
    """
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    ids = db.session.scalars(
        select(OutboundEmail.id).where(
            OutboundEmail.sent_at.is_(None),
            OutboundEmail.created_at < cutoff,
            OutboundEmail.attempts < MAX_ATTEMPTS,
        )
    ).all()
    return requeue("requeue-unsent-emails", [(deliver_email, {"email_id": i}) for i in ids])
