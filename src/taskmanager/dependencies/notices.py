"""Who hears that a blocking task is done: the assignees of the tasks it blocked.

``blocker_done`` is the one call the task services make when a task moves to done.
It sends through the existing email path (notifications.services); when the unified
notification entry point lands, this function's body is the one place to switch.
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
    """Email the assignee of each open task ``task`` blocks (not the actor), once per
    completion; each email says whether that task still waits for others."""
    waiting = db.session.scalars(
        select(Task)
        .join(TaskDependency, TaskDependency.blocked_id == Task.id)
        .where(TaskDependency.blocker_id == task.id, Task.status != Status.DONE.value)
        .options(CARD_MARKS)
    ).all()
    stamp = task.completed_at.isoformat() if task.completed_at else ""
    for blocked in waiting:
        person = blocked.assignee
        if person is None or person.id == actor.id or not person.notify_assigned:
            continue
        subject = (
            f"Still blocked: {blocked.title}" if blocked.blocked else f"Unblocked: {blocked.title}"
        )
        # The existing path's sender (the unified one replaces this call at merge).
        notifications._send(
            to=person, kind="assigned", key=f"unblocked:{blocked.id}:{task.id}:{stamp}",
            subject=subject, template="blocker_done", task=blocked, blocker=task, actor=actor,
            link=notifications.task_link(blocked), still_blocked=blocked.blocked,
        )  # fmt: skip
