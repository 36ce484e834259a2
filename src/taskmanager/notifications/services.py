"""Decide who hears about what: one in-app item each, and the email their settings want.

``notify`` is the one path: every event on a task (an assignment, a mention, a
comment on a followed task, a completion, a due date coming, a blocker done) goes
through it, so the bell and the inbox tell the same events, each recorded once. It
runs in the caller's transaction; the emails are delivered after its commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import render_template
from sqlalchemy import select

from taskmanager import links
from taskmanager.accounts.models import User
from taskmanager.extensions import db
from taskmanager.mail.services import queue_email
from taskmanager.notifications import watchers
from taskmanager.notifications.kinds import KINDS
from taskmanager.notifications.models import Notification
from taskmanager.notifications.unsubscribe import link_for
from taskmanager.orgs.models import Membership
from taskmanager.orgs.models import Organization
from taskmanager.tasks.models import Comment
from taskmanager.tasks.models import Status
from taskmanager.tasks.models import Task

MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9][\w.-]{0,63})")
EXCERPT = 300


def task_link(task: Task) -> str:
    org = db.session.get(Organization, task.organization_id)
    slug = org.slug if org else ""
    return links.external("org.task", slug=slug, task_id=task.id)


def _send(*, to: User, kind: str, key: str, subject: str, template: str, **context: Any) -> None:
    context.update(user=to, unsubscribe=link_for(to, kind))
    queue_email(
        to=to.email,
        subject=subject,
        text=render_template(f"email/{template}.txt", **context),
        html=render_template(f"email/{template}.html", **context),
        key=key,
    )


def _audience(recipients: Iterable[User | None], task: Task, actor: User | None) -> list[User]:
    """The recipients worth telling: once each, never the actor, members only."""
    people = {
        user.id: user
        for user in recipients
        if user is not None and user.active and (actor is None or user.id != actor.id)
    }
    if not people:
        return []
    members = set(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.organization_id == task.organization_id,
                Membership.user_id.in_(list(people)),
            )
        )
    )
    return [user for user_id, user in sorted(people.items()) if user_id in members]


def notify(
    *,
    recipients: Iterable[User | None],
    kind: str,
    task: Task,
    actor: User | None,
    key: str,
    excerpt: str = "",
    **context: object,
) -> list[Notification]:
    """Tell each recipient about one event on ``task``; return the items recorded.

    Each recipient gets an item in their in-app list, and an email unless their
    preference for ``kind`` (kinds.KINDS) turns it off. ``key`` names the event
    (``f"comment:{comment.id}"``); a recipient's item and email are keyed
    ``f"{key}:{user.id}"``, so reporting the same event again tells nobody twice.
    Left out: the actor, ``None``, duplicates, deactivated accounts and anyone no
    longer a member of the task's organization. ``context`` goes to the email
    templates (``comment=...``); every template also gets ``task``, ``actor`` and
    ``link``. Nothing is committed here.

    Raises:
        KeyError: ``kind`` is not one of kinds.KINDS.
    """
    spec = KINDS[kind]
    people = _audience(recipients, task, actor)
    if not people:
        return []
    keys = {user.id: f"{key}:{user.id}" for user in people}
    known = set(
        db.session.scalars(select(Notification.key).where(Notification.key.in_(keys.values())))
    )
    actor_name = actor.display_name if actor else "Someone"
    recorded = []
    for user in people:
        if keys[user.id] in known:
            continue
        item = Notification(
            organization_id=task.organization_id, key=keys[user.id], user_id=user.id,
            kind=kind, task_id=task.id, actor_id=actor.id if actor else None,
            excerpt=excerpt[:EXCERPT],
        )  # fmt: skip
        db.session.add(item)
        recorded.append(item)
        if getattr(user, spec.preference):
            _send(
                to=user, kind=spec.unsubscribe, key=keys[user.id],
                subject=spec.subject.format(actor=actor_name, title=task.title),
                template=spec.template, task=task, actor=actor, link=task_link(task), **context,
            )  # fmt: skip
    return recorded


def task_created(*, task: Task, actor: User) -> None:
    """The assignee of a new task hears of it (its creator and assignee follow it
    already: ``tasks.services.build_task`` makes them)."""
    _tell_assignee(task, actor)


def task_assigned(*, task: Task, actor: User) -> None:
    """The new assignee follows the task and hears of it (unless they assigned themself)."""
    watchers.follow(task=task, user_ids=[task.assignee.id if task.assignee else None])
    _tell_assignee(task, actor)


def _tell_assignee(task: Task, actor: User) -> None:
    if task.assignee is None:
        return
    stamp = task.assigned_at.isoformat() if task.assigned_at else ""
    notify(
        recipients=[task.assignee], kind="assigned", task=task, actor=actor,
        key=f"assigned:{task.id}:{stamp}",
    )  # fmt: skip


def task_completed(*, task: Task, actor: User) -> None:
    """The task's watchers hear that it is done (each completion once)."""
    if task.status != Status.DONE or task.completed_at is None:
        return
    notify(
        recipients=watchers.watchers_of(task), kind="completed", task=task, actor=actor,
        key=f"completed:{task.id}:{task.completed_at.isoformat()}",
    )  # fmt: skip


def mentioned_members(organization_id: int, body: str) -> list[User]:
    """Members named in ``body`` as @handle: their email's local part, or name without spaces."""
    handles = {handle.lower().rstrip(".") for handle in MENTION.findall(body)}
    if not handles:
        return []
    members = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == organization_id)
    )
    found = []
    for user in members:
        names = {user.email.split("@", 1)[0].lower(), user.name.replace(" ", "").lower()}
        if names & handles:
            found.append(user)
    return found


def comment_added(*, comment: Comment, task: Task, actor: User) -> None:
    """The author follows the task; those mentioned hear of the mention, other watchers
    of the comment: one item each, the mention winning."""
    watchers.follow(task=task, user_ids=[actor.id])
    mentioned = mentioned_members(task.organization_id, comment.body)
    notify(
        recipients=mentioned, kind="mentioned", task=task, actor=actor,
        key=f"mention:{comment.id}", excerpt=comment.body, comment=comment,
    )  # fmt: skip
    told = {user.id for user in mentioned}
    notify(
        recipients=[user for user in watchers.watchers_of(task) if user.id not in told],
        kind="commented", task=task, actor=actor, key=f"comment:{comment.id}",
        excerpt=comment.body, comment=comment,
    )  # fmt: skip


def due_reminder(*, task: Task, now: datetime) -> bool:
    """Remind the assignee of the task's current due date; False if not wanted."""
    user = task.assignee
    if user is None or not user.reminder_hours or task.due_at is None:
        return False
    hours_left = max(0, int((task.due_at - now).total_seconds() // 3600))
    notify(
        recipients=[user], kind="due_soon", task=task, actor=None,
        key=f"reminder:{task.id}:{task.due_at.isoformat()}", hours_left=hours_left,
    )  # fmt: skip
    return True


def weekly_summary(*, user: User, week: str, open_tasks: list[Task]) -> None:
    """The Monday digest: an email only, not an event on one task."""
    _send(
        to=user, kind="weekly", key=f"weekly:{user.id}:{week}",
        subject=f"Your week on TaskManager ({week})", template="weekly",
        tasks=open_tasks, links={task.id: task_link(task) for task in open_tasks},
    )  # fmt: skip
