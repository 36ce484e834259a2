"""Board order: each status column of a project is numbered 0, 1, 2... without gaps.

A new task goes to the end of its column; a move puts a task at a position in a
column (its old or a new one) and renumbers the tasks around it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from taskmanager.db import utcnow
from taskmanager.extensions import db
from taskmanager.tasks.models import Status
from taskmanager.tasks.models import Task


def next_position(project_id: int, status: str) -> int:
    highest = db.session.scalar(
        select(func.max(Task.position)).where(Task.project_id == project_id, Task.status == status)
    )
    return (highest if highest is not None else -1) + 1


def move(task: Task, status: str, position: int | None, changes: dict[str, list[Any]]) -> None:
    """Put ``task`` at ``position`` in its status column, closing the gap it leaves."""
    old_status, old_position = task.status, task.position
    column = list(
        db.session.scalars(
            select(Task)
            .where(Task.project_id == task.project_id, Task.status == status, Task.id != task.id)
            .order_by(Task.position, Task.id)
        )
    )
    index = len(column) if position is None else min(position, len(column))
    column.insert(index, task)
    if status != old_status:
        changes["status"] = [old_status, status]
        task.status = status
        task.completed_at = utcnow() if status == Status.DONE else None
        db.session.execute(
            update(Task)
            .where(
                Task.project_id == task.project_id,
                Task.status == old_status,
                Task.position > old_position,
            )
            .values(position=Task.position - 1)
            .execution_options(synchronize_session="fetch")
        )
    for new_position, member in enumerate(column):
        if member.position != new_position:
            member.position = new_position
    if task.position != old_position and status == old_status:
        changes["position"] = [old_position, task.position]
