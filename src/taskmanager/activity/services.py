"""The activity history: recorded by the services that change things, in their transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy import func
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


@dataclass
class Page:
    items: list[ActivityEvent]
    total: int


def _page(query: Select[ActivityEvent], *, page: int, per_page: int) -> Page:
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    newest_first = query.order_by(ActivityEvent.created_at.desc(), ActivityEvent.id.desc())
    items = db.session.scalars(newest_first.limit(per_page).offset((page - 1) * per_page))
    return Page(items=list(items), total=total)


def page_for_task(task_id: int, *, page: int = 1, per_page: int = 20) -> Page:
    query = select(ActivityEvent).where(ActivityEvent.task_id == task_id)
    return _page(query, page=page, per_page=per_page)


def page_for_organization(organization_id: int, *, page: int = 1, per_page: int = 20) -> Page:
    query = select(ActivityEvent).where(ActivityEvent.organization_id == organization_id)
    return _page(query, page=page, per_page=per_page)
