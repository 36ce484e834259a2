"""The personal iCalendar feed: a secret, revocable URL with the user's due tasks.

Calendar apps fetch the URL without signing in, so the token is the credential:
only its hash is stored, a new one replaces the old, and revoking clears it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from icalendar import Calendar
from icalendar import Event
from sqlalchemy import select

from taskmanager import links
from taskmanager import tenancy
from taskmanager.accounts.models import User
from taskmanager.db import utcnow
from taskmanager.errors import NotFound
from taskmanager.extensions import db
from taskmanager.notifications.services import task_link
from taskmanager.orgs.models import Membership
from taskmanager.recurrence import calendar as recurrence
from taskmanager.tasks.models import Status
from taskmanager.tasks.models import Task

LENGTH = timedelta(minutes=30)  # how long a due task's event lasts in the calendar


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(*, user: User) -> str:
    """A new feed token (shown once); any previous feed URL stops working."""
    token = secrets.token_urlsafe(32)
    user.calendar_token_hash = _hash(token)
    db.session.commit()
    return token


def revoke(*, user: User) -> None:
    user.calendar_token_hash = None
    db.session.commit()


def feed_url(token: str) -> str:
    return links.external("notifications.calendar_feed", token=token)


def feed(token: str) -> bytes:
    """The iCalendar document for the token's user. Raises NotFound for an unknown token."""
    user = db.session.scalar(select(User).where(User.calendar_token_hash == _hash(token)))
    if user is None or not user.active:
        raise NotFound("This calendar link is not valid any more.")
    orgs = select(Membership.organization_id).where(Membership.user_id == user.id)
    with tenancy.scoped_to(db.session.scalars(orgs)):
        tasks = db.session.scalars(
            select(Task)
            .where(Task.assignee_id == user.id, Task.due_at.is_not(None))
            .where(Task.status != Status.DONE.value)
            .order_by(Task.due_at)
            .limit(500)
        ).all()
        calendar = Calendar()
        calendar.add("prodid", "-//TaskManager//Due tasks//EN")
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", f"TaskManager: {user.display_name}")
        stamp = utcnow()
        repeating = recurrence.series_for(task.id for task in tasks)
        for task in tasks:
            assert task.due_at is not None
            event = Event()
            event.add("uid", f"task-{task.id}@taskmanager")
            event.add("summary", task.title)
            event.add("dtstart", task.due_at)
            event.add("dtend", task.due_at + LENGTH)
            event.add("dtstamp", stamp)
            event.add("url", task_link(task))
            event.add("description", f"{task.project.name} · {task.priority} priority")
            if task.id in repeating:
                recurrence.add_rule(
                    event, due_at=task.due_at, length=LENGTH, series=repeating[task.id]
                )
            calendar.add_component(event)
        if repeating:
            calendar.add_missing_timezones()  # a VTIMEZONE for each zoned start
    return bytes(calendar.to_ical())
