"""Helpers for recurrence tests: rules set and tasks completed through the services."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.recurrence import jobs
from taskmanager.recurrence import services
from taskmanager.recurrence.schemas import RecurrenceSet
from taskmanager.tasks import services as tasks
from taskmanager.tasks.models import Task
from taskmanager.tasks.schemas import TaskUpdate
from tests.support.breakdown import acting
from tests.support.breakdown import task


def repeat(
    app: Flask, org: Any, user: Any, task_id: int, rule: str, zone: str | None = None
) -> None:
    with acting(app, org, user) as me:
        data = RecurrenceSet(rule=rule, timezone=zone)
        services.set_recurrence(actor=me, task=task(task_id), data=data)


def complete(app: Flask, org: Any, user: Any, task_id: int, status: str = "done") -> None:
    with acting(app, org, user) as me:
        tasks.update_task(actor=me, task=task(task_id), data=TaskUpdate(status=status))


def run_next(app: Flask, task_id: int, now: str, actor_id: int | None = None) -> int | None:
    """Deliver the next-occurrence job as a worker would (here, in this process)."""
    with app.app_context():
        made: int | None = jobs.make_next_occurrence(task_id=task_id, actor_id=actor_id, now=now)
        return made


def series_tasks(app: Flask, project_id: int, title: str) -> list[Task]:
    """The project's tasks with ``title``, oldest first, detached with their labels."""
    with app.app_context(), tenancy.system():
        found = db.session.scalars(
            select(Task).where(Task.project_id == project_id, Task.title == title).order_by(Task.id)
        ).all()
        for each in found:
            _ = each.labels, each.assignee, each.repeat_rule, each.repeat_zone
        db.session.expunge_all()
        return list(found)
