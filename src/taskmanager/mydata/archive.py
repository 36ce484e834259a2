"""What a person's data export holds: everything they own or wrote, and nobody else's.

Their profile, their memberships, the tasks they created, the comments they wrote,
the files they uploaded (described, not the bytes: those download from the task
page) and the history of what they did. Other people appear only as the ids the
rows already carry (an assignee id), never with their names or addresses.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from typing import Any

from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.accounts.models import User
from taskmanager.activity.models import ActivityEvent
from taskmanager.attachments.models import Attachment
from taskmanager.db import utcnow
from taskmanager.extensions import db
from taskmanager.orgs.models import Membership
from taskmanager.projects.models import Project
from taskmanager.tasks.models import Comment
from taskmanager.tasks.models import Task

FORMAT = "taskmanager-personal-data/1"


def _time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def _profile(user: User) -> dict[str, Any]:
    return {
        "id": user.id, "email": user.email, "name": user.name, "time_zone": user.time_zone,
        "created_at": _time(user.created_at), "confirmed_at": _time(user.confirmed_at),
        "two_factor": bool(user.tf_primary_method),
        "notifications": {
            "assigned": user.notify_assigned, "mentions": user.notify_mentions,
            "reminder_hours": user.reminder_hours, "weekly_summary": user.weekly_summary,
        },
    }  # fmt: skip


def _task(task: Task, projects: dict[int, Project]) -> dict[str, Any]:
    project = projects.get(task.project_id)
    return {
        "id": task.id, "organization_id": task.organization_id,
        "project": {"id": task.project_id, "name": project.name if project else None},
        "title": task.title, "description": task.description, "status": task.status,
        "priority": task.priority, "due_at": _time(task.due_at),
        "labels": sorted(label.name for label in task.labels),
        "assignee_id": task.assignee_id, "completed_at": _time(task.completed_at),
        "created_at": _time(task.created_at), "updated_at": _time(task.updated_at),
    }  # fmt: skip


def _membership(m: Membership) -> dict[str, Any]:
    return {
        "id": m.organization_id, "name": m.organization.name, "role": m.role,
        "joined_at": _time(m.created_at),
    }  # fmt: skip


def _comment(c: Comment) -> dict[str, Any]:
    return {
        "id": c.id, "task_id": c.task_id, "organization_id": c.organization_id, "body": c.body,
        "edited": c.edited, "created_at": _time(c.created_at),
    }  # fmt: skip


def _attachment(f: Attachment) -> dict[str, Any]:
    return {
        "id": f.id, "task_id": f.task_id, "filename": f.filename,
        "content_type": f.content_type, "size": f.size, "sha256": f.sha256,
        "created_at": _time(f.created_at),
    }  # fmt: skip


# Changes naming other people are left out of the history entries.
PEOPLE_FIELDS = {"assignee"}


def _event(entry: ActivityEvent, own_tasks: set[int]) -> dict[str, Any]:
    """One history entry; the subject's title only for the person's own tasks (another
    person's task, a member's or an invitee's name is theirs, not this person's)."""
    own = entry.subject_type == "task" and entry.subject_id in own_tasks
    return {
        "organization_id": entry.organization_id, "verb": entry.verb,
        "subject_type": entry.subject_type, "subject_id": entry.subject_id,
        "subject_title": entry.subject_title if own else None,
        "changes": {
            name: pair for name, pair in (entry.changes or {}).items() if name not in PEOPLE_FIELDS
        } if own else {},
        "created_at": _time(entry.created_at),
    }  # fmt: skip


def build(user_id: int) -> dict[str, Any]:
    """The archive of user ``user_id``, as a JSON-ready dict."""
    with tenancy.system():
        user = db.session.get(User, user_id)
        if user is None:
            return {}
        memberships = db.session.scalars(
            select(Membership).where(Membership.user_id == user_id).order_by(Membership.id)
        ).all()
        tasks = db.session.scalars(
            select(Task).where(Task.created_by_id == user_id).order_by(Task.id)
        ).all()
        project_ids = {task.project_id for task in tasks}
        projects = {
            p.id: p for p in db.session.scalars(select(Project).where(Project.id.in_(project_ids)))
        }
        comments = db.session.scalars(
            select(Comment).where(Comment.author_id == user_id).order_by(Comment.id)
        ).all()
        files = db.session.scalars(
            select(Attachment).where(Attachment.uploader_id == user_id).order_by(Attachment.id)
        ).all()
        history = db.session.scalars(
            select(ActivityEvent)
            .where(ActivityEvent.actor_id == user_id)
            .order_by(ActivityEvent.id)
        ).all()
        own_tasks = {task.id for task in tasks}
        return {
            "format": FORMAT,
            "exported_at": _time(utcnow()),
            "profile": _profile(user),
            "organizations": [_membership(m) for m in memberships],
            "tasks": [_task(task, projects) for task in tasks],
            "comments": [_comment(c) for c in comments],
            "attachments": [_attachment(f) for f in files],
            "activity": [_event(e, own_tasks) for e in history],
        }
