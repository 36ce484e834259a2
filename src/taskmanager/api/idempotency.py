"""Idempotency keys: claim a key, keep the first answer, replay it, forget it after 24 h.

The HTTP side (reading the header, fingerprinting the request, building the replayed
response) is in ``api/replay.py``; this module holds the rules and the table's
housekeeping, and never touches the request.

A key is claimed by inserting its row and committing before the view runs: the unique
``(user_id, key)`` constraint makes a second, simultaneous request fail to claim it,
so the work never runs twice. The answer is written after the view, in a second
commit. A request killed between the view's commit and that one leaves an unanswered
claim; after ``STALE_CLAIM`` it is forgotten, so the key does not stay locked for a
day (the rare cost: that one request may run again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from celery import shared_task
from sqlalchemy import and_
from sqlalchemy import delete
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from taskmanager.api.models import IdempotencyKey
from taskmanager.db import utcnow
from taskmanager.errors import Conflict
from taskmanager.extensions import db
from taskmanager.schedule import record_run

LIFETIME = timedelta(hours=24)
# Far longer than any request may run (the server's worker timeout is shorter).
STALE_CLAIM = timedelta(minutes=5)
MAX_KEY_LENGTH = 255


class KeyReused(Conflict):
    default_message = (
        "This Idempotency-Key was already used for a different request; "
        "use a new key for a new request."
    )


class KeyInFlight(Conflict):
    default_message = (
        "The first request with this Idempotency-Key is still running; "
        "retry in a moment to get its answer."
    )


@dataclass(frozen=True)
class Answer:
    """The first answer to a key, as it was sent."""

    status: int
    body: bytes
    headers: list[tuple[str, str]]


def claim(*, user_id: int, key: str, fingerprint: str) -> int | Answer:
    """Reserve ``key`` for this request, or give back the answer the first one got.

    Returns the claim's id (run the request, then ``record`` or ``release`` it) or the
    stored ``Answer`` to replay. Expired keys count as never used.

    Raises:
        KeyReused: the key was used for a request with another fingerprint.
        KeyInFlight: the first request with this key has not answered yet.
    """
    now = utcnow()
    db.session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id,
            IdempotencyKey.key == key,
            or_(
                IdempotencyKey.created_at < now - LIFETIME,
                and_(
                    IdempotencyKey.status.is_(None), IdempotencyKey.created_at < now - STALE_CLAIM
                ),
            ),
        )
    )
    found = db.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    )
    if found is None:
        row = IdempotencyKey(user_id=user_id, key=key, fingerprint=fingerprint, created_at=now)
        db.session.add(row)
        try:
            db.session.commit()
        except IntegrityError:
            # Another request claimed it between our look and our insert.
            db.session.rollback()
            raise KeyInFlight() from None
        return row.id
    reused = found.fingerprint != fingerprint
    answer = None
    if found.status is not None and found.body is not None:
        headers = [(name, value) for name, value in found.headers or []]
        answer = Answer(status=found.status, body=found.body, headers=headers)
    db.session.commit()  # read before: committing expires what was loaded
    if reused:
        raise KeyReused()
    if answer is None:
        raise KeyInFlight()
    return answer


def record(claim_id: int, answer: Answer) -> None:
    """Keep ``answer`` as the one every retry with the claimed key gets."""
    row = db.session.get(IdempotencyKey, claim_id)
    if row is None:  # purged meanwhile: nothing to replay, nothing to keep
        return
    row.status = answer.status
    row.body = answer.body
    row.headers = [[name, value] for name, value in answer.headers]
    db.session.commit()


def release(claim_id: int) -> None:
    """Give the key back: the request failed on our side, so a retry should run it."""
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == claim_id))
    db.session.commit()


def purge_expired(now: datetime | None = None) -> int:
    """Delete the keys past their lifetime, in the caller's transaction; how many."""
    cutoff = (now or utcnow()) - LIFETIME
    result = db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


@shared_task
def purge_idempotency_keys() -> int:
    """Beat's hourly sweep. Expired keys are already ignored; this frees their space."""
    purged = purge_expired()
    record_run("purge-idempotency-keys", f"{purged} purged")
    db.session.commit()
    return purged
