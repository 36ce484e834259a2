"""Scheduled notification jobs (Celery beat). Both are safe to run at any time, twice.

Each takes an optional ``now`` (ISO 8601) so tests can drive the clock across a
daylight-saving change; in production beat passes nothing and the real time is used.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from celery import shared_task
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.accounts.models import User
from taskmanager.db import utcnow
from taskmanager.extensions import db
from taskmanager.notifications import services
from taskmanager.schedule import record_run
from taskmanager.tasks.models import Status
from taskmanager.tasks.models import Task

LONGEST_WINDOW = timedelta(days=7)


def _clock(now: str | None) -> datetime:
    return datetime.fromisoformat(now) if now else utcnow()


@shared_task
def send_due_reminders(now: str | None = None) -> int:
    """One reminder per task and due date, once the due date enters the assignee's window.

    Windows are durations ("24 hours before"), compared in UTC, so a daylight-saving
    change in the user's zone can neither skip nor repeat a reminder; the email shows
    the due time in the user's own zone.
    """
    moment = _clock(now)
    sent = 0
    with tenancy.system():
        candidates = db.session.scalars(
            select(Task)
            .join(User, Task.assignee_id == User.id)
            .where(
                Task.status != Status.DONE.value,
                Task.reminded_at.is_(None),
                Task.due_at > moment,
                Task.due_at <= moment + LONGEST_WINDOW,
                User.reminder_hours > 0,
                User.active.is_(True),
            )
            .order_by(Task.due_at)
        ).all()
        for task in candidates:
            assert task.due_at is not None and task.assignee is not None
            if task.due_at - moment > timedelta(hours=task.assignee.reminder_hours):
                continue
            if services.due_reminder(task=task, now=moment):
                sent += 1
            task.reminded_at = moment
        record_run("due-reminders", f"{sent} reminder(s)")
        db.session.commit()
    return sent


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


@shared_task
def send_weekly_summaries(now: str | None = None) -> int:
    """On Monday from 08:00 in each user's own zone, one summary per user and week."""
    moment = _clock(now)
    sent = 0
    with tenancy.system():
        users = db.session.scalars(
            select(User).where(User.weekly_summary.is_(True), User.active.is_(True))
        ).all()
        for user in users:
            local = moment.astimezone(ZoneInfo(user.time_zone))
            week = iso_week(local)
            if local.weekday() != 0 or local.hour < 8 or user.weekly_summary_sent_for == week:
                continue
            open_tasks = db.session.scalars(
                select(Task)
                .where(Task.assignee_id == user.id, Task.status != Status.DONE.value)
                .order_by(Task.due_at.is_(None), Task.due_at)
                .limit(50)
            ).all()
            services.weekly_summary(user=user, week=week, open_tasks=list(open_tasks))
            user.weekly_summary_sent_for = week
            sent += 1
        record_run("weekly-summaries", f"{sent} summary(ies)")
        db.session.commit()
    return sent
