"""What the task services call when a repeating task is completed."""

from __future__ import annotations

from taskmanager.accounts.models import User
from taskmanager.jobs import enqueue_after_commit
from taskmanager.recurrence import jobs
from taskmanager.tasks.models import Task


def task_completed(*, task: Task, actor: User) -> None:
    """Queue the next occurrence of ``task`` after this transaction commits, if it repeats.

    A job rather than the same transaction: the completion answers at once, and a job
    lost with its broker is made by the sweep (jobs.sweep_recurrences).
    """
    if task.repeat_rule is not None:
        enqueue_after_commit(jobs.make_next_occurrence, task_id=task.id, actor_id=actor.id)
