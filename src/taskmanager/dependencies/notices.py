"""Who hears that a blocking task is done: the assignees of the tasks it blocked.

``blocker_done`` is the one call the task services make when a task moves to done.
It goes through the one notification path (notifications.services.notify): an item
in each assignee's in-app list and an email their assignment preference allows.
"""

from __future__ import annotations

from sqlalchemy import select

from taskmanager.accounts.models import User
from taskmanager.dependencies.models import TaskDependency
from taskmanager.extensions import db
from taskmanager.notifications import services as notifications
from taskmanager.tasks.models import CARD_MARKS
from taskmanager.tasks.models import Status
from taskmanager.tasks.models import Task


def blocker_done(*, task: Task, actor: User) -> None:
    """Tell the assignee of each open task ``task`` blocks (not the actor), once per
    completion, whether that task still waits for others."""
    waiting = db.session.scalars(
        select(Task)
        .join(TaskDependency, TaskDependency.blocked_id == Task.id)
        .where(TaskDependency.blocker_id == task.id, Task.status != Status.DONE.value)
        .options(CARD_MARKS)
    ).all()
    stamp = task.completed_at.isoformat() if task.completed_at else ""
    for blocked in waiting:
        notifications.notify(
            recipients=[blocked.assignee], task=blocked, actor=actor,
            kind="still_blocked" if blocked.blocked else "unblocked",
            key=f"unblocked:{blocked.id}:{task.id}:{stamp}",
            excerpt=f"“{task.title}” is done", blocker=task, still_blocked=blocked.blocked,
        )  # fmt: skip
