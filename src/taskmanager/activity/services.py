"""The activity history: recorded by the services that change things, in their transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select

from taskmanager.accounts.models import User
from taskmanager.activity.models import ActivityEvent
from taskmanager.db import utcnow
from taskmanager.extensions import db
from taskmanager.policy import Action
from taskmanager.policy import can

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


# Changes are stamped before they commit: an event committed late, with a time older
# than the newest, still moves the marker while it is this recent (see ``marker``).
RECENT = timedelta(minutes=10)


def marker(organization_id: int, *, with_row: Select[Any] | None = None) -> tuple[str, Any]:
    """A value that moves with every recorded change in the organization: one statement.

    Every change is recorded here in its own transaction, so the newest event's time
    moves with each one; the count of recent events catches one committed late. The
    board's poll builds its ETag on it. ``with_row`` (a select of one value) rides on
    the same statement, its value returned second (None without it).
    """
    scope = ActivityEvent.organization_id == organization_id
    newest = select(func.max(ActivityEvent.created_at)).where(scope).scalar_subquery()
    recent = (
        select(func.count())
        .select_from(ActivityEvent)
        .where(scope, ActivityEvent.created_at >= utcnow() - RECENT)
        .scalar_subquery()
    )
    extra = [with_row.scalar_subquery()] if with_row is not None else []
    row = db.session.execute(select(newest, recent, *extra)).one()
    latest, number = row[0], row[1]
    return f"{latest.isoformat() if latest else '-'}/{number}", (row[2] if extra else None)


def for_task(task_id: int, *, limit: int = 100) -> list[ActivityEvent]:
    query = (
        select(ActivityEvent)
        .where(ActivityEvent.task_id == task_id)
        .order_by(ActivityEvent.created_at.desc(), ActivityEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


# Events about a subject some roles may not see: (subject type, the action needed).
# An invitation's title is the invited address, which only member managers may read
# (GET /invitations is 403 to the others); the feed shows what the role may see.
# A webhook's title is its URL's host, for those who manage webhooks only.
RESTRICTED_SUBJECTS = {"invitation": Action.MANAGE_MEMBERS, "webhook": Action.MANAGE_WEBHOOKS}


def _visible_to(query: Select[Any], role: str) -> Select[Any]:
    hidden = [subject for subject, action in RESTRICTED_SUBJECTS.items() if not can(role, action)]
    return query.where(ActivityEvent.subject_type.not_in(hidden)) if hidden else query


def for_organization(organization_id: int, *, role: str, limit: int = 30) -> list[ActivityEvent]:
    """The newest events of the organization that ``role`` may see."""
    base = select(ActivityEvent).where(ActivityEvent.organization_id == organization_id)
    query = (
        _visible_to(base, role)
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


def page_for_organization(
    organization_id: int, *, role: str, page: int = 1, per_page: int = 20
) -> Page:
    """A page of the organization's events that ``role`` may see."""
    query = select(ActivityEvent).where(ActivityEvent.organization_id == organization_id)
    return _page(_visible_to(query, role), page=page, per_page=per_page)
