"""Attachment jobs: delete stored objects after their rows went; sweep orphans."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.attachments.models import Attachment
from taskmanager.attachments.storage import checked
from taskmanager.attachments.storage import current_storage
from taskmanager.db import utcnow
from taskmanager.extensions import db
from taskmanager.schedule import record_run

logger = logging.getLogger(__name__)

# An object younger than this may be an upload still streaming (its row comes after
# the bytes): the sweep leaves it alone.
GRACE = timedelta(hours=6)
SWEEP = "sweep-attachment-orphans"


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def delete_stored_objects(*, keys: list[str]) -> int:
    """Delete the objects of rows already deleted; idempotent (a missing object is fine).

    A key that has a row again (it cannot: keys are random and never reused) is kept.
    """
    wanted = [checked(key) for key in keys]
    with tenancy.system():
        alive = set(
            db.session.scalars(
                select(Attachment.storage_key).where(Attachment.storage_key.in_(wanted))
            )
        )
        db.session.rollback()
    storage = current_storage()
    deleted = 0
    for key in wanted:
        if key not in alive:
            storage.delete(key)
            deleted += 1
    return deleted


@shared_task
def sweep_orphans() -> str:
    """Remove stored objects that have no row; report rows whose object is missing.

    Objects younger than ``GRACE`` are left: their upload may still be running.
    """
    storage = current_storage()
    cutoff = utcnow() - GRACE
    removed = 0
    seen: set[str] = set()
    with tenancy.system():
        known = set(db.session.scalars(select(Attachment.storage_key)))
        for stored in storage.list():
            if not stored.partial:
                seen.add(stored.key)
            if stored.modified >= cutoff or stored.key in known:
                continue
            storage.delete(stored.key)  # an object without a row, or a write never finished
            removed += 1
        # ``known`` was read before the listing, so each of these rows had its object
        # stored before the sweep began: its object is really gone.
        missing = sorted(known - seen)
        if missing:
            logger.warning(
                "%d attachment(s) have no stored object, e.g. %s", len(missing), missing[:5]
            )
        result = f"{removed} orphan(s) removed, {len(missing)} row(s) without object"
        record_run(SWEEP, result)
        db.session.commit()
    return result
