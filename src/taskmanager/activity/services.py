"""The activity history: recorded by the services that change things, in their transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from taskmanager.accounts.models import User
from taskmanager.activity.models import ActivityEvent
from taskmanager.extensions import db

Changes = dict[str, list[Any]]  # field -> [old, new]


def record(
    *,
    organization_id: int,
    actor: User | None,
    verb: str,
    subject_type: str,
    subject_id: int,
    subject_title: str = "",
    task_id: int | None = None,
    changes: Changes | None = None,
) -> ActivityEvent:
    event = ActivityEvent(
        organization_id=organization_id,
        actor_id=actor.id if actor else None,
        verb=verb,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_title=subject_title[:200],
        task_id=task_id,
        changes=changes or {},
    )
    db.session.add(event)
    return event


def for_task(task_id: int, *, limit: int = 100) -> list[ActivityEvent]:
    query = (
        select(ActivityEvent)
        .where(ActivityEvent.task_id == task_id)
        .order_by(ActivityEvent.created_at.desc(), ActivityEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def for_organization(organization_id: int, *, limit: int = 30) -> list[ActivityEvent]:
    query = (
        select(ActivityEvent)
        .where(ActivityEvent.organization_id == organization_id)
        .order_by(ActivityEvent.created_at.desc(), ActivityEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
