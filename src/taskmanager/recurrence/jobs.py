"""Recurrence jobs: the next occurrence of a completed task, and the sweep behind it.

Both are safe to deliver twice and to run at once (occurrences.advance claims the
series first). Each takes an optional ``now`` (ISO 8601) so tests can drive the clock
across a daylight-saving change; beat and the task services pass nothing.
"""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from taskmanager import tenancy
from taskmanager.accounts.models import User
from taskmanager.extensions import db
from taskmanager.recurrence import occurrences
from taskmanager.schedule import record_run


def _clock(now: str | None) -> datetime | None:
    return datetime.fromisoformat(now) if now else None


@shared_task
def make_next_occurrence(
    task_id: int, actor_id: int | None = None, now: str | None = None
) -> int | None:
    """Make the occurrence after the completed task ``task_id``; its id, or None."""
    with tenancy.system():
        actor = db.session.get(User, actor_id) if actor_id else None
        made = occurrences.advance(task_id=task_id, actor=actor, now=_clock(now))
        return made.id if made else None


@shared_task
def sweep_recurrences(now: str | None = None) -> int:
    """Make the next occurrence of every completed one a lost job left without it."""
    made = 0
    with tenancy.system():
        for task_id in occurrences.stalled():
            if occurrences.advance(task_id=task_id, now=_clock(now)) is not None:
                made += 1
        record_run("recurrence-sweep", f"{made} occurrence(s) made")
        db.session.commit()
    return made
