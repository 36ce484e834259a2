"""Decide who hears about what, and queue the email in the caller's transaction.

Each message has an idempotency key naming the logical event (this assignment, this
mention, the reminder for this due date), so it is stored, and so sent, once.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import render_template
from sqlalchemy import select

from taskmanager import links
from taskmanager.accounts.models import User
from taskmanager.extensions import db
from taskmanager.mail.services import queue_email
from taskmanager.notifications.unsubscribe import link_for
from taskmanager.orgs.models import Membership
from taskmanager.orgs.models import Organization
from taskmanager.tasks.models import Comment
from taskmanager.tasks.models import Task

MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9][\w.-]{0,63})")


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


def task_assigned(*, task: Task, actor: User) -> None:
    assignee = task.assignee
    if assignee is None or assignee.id == actor.id or not assignee.notify_assigned:
        return
    stamp = task.assigned_at.isoformat() if task.assigned_at else ""
    _send(
        to=assignee, kind="assigned", key=f"assigned:{task.id}:{assignee.id}:{stamp}",
        subject=f"{actor.display_name} assigned you: {task.title}", template="assigned",
        task=task, actor=actor, link=task_link(task),
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


def comment_mentions(*, comment: Comment, task: Task, actor: User) -> None:
    for user in mentioned_members(task.organization_id, comment.body):
        if user.id == actor.id or not user.notify_mentions:
            continue
        _send(
            to=user, kind="mentions", key=f"mention:{comment.id}:{user.id}",
            subject=f"{actor.display_name} mentioned you on {task.title}", template="mention",
            task=task, actor=actor, comment=comment, link=task_link(task),
        )  # fmt: skip


def due_reminder(*, task: Task, now: datetime) -> bool:
    """Queue the reminder for the task's current due date; False if not wanted."""
    user = task.assignee
    if user is None or not user.reminder_hours or task.due_at is None:
        return False
    hours_left = max(0, int((task.due_at - now).total_seconds() // 3600))
    _send(
        to=user, kind="reminders", key=f"reminder:{task.id}:{task.due_at.isoformat()}",
        subject=f"Due soon: {task.title}", template="reminder",
        task=task, link=task_link(task), hours_left=hours_left,
    )  # fmt: skip
    return True


def weekly_summary(*, user: User, week: str, open_tasks: list[Task]) -> None:
    _send(
        to=user, kind="weekly", key=f"weekly:{user.id}:{week}",
        subject=f"Your week on TaskManager ({week})", template="weekly",
        tasks=open_tasks, links={task.id: task_link(task) for task in open_tasks},
    )  # fmt: skip
