"""Dependencies: link tasks as "blocked by" / "blocks", never in a loop; unlink them.

Pages and the API call these same functions; each is one transaction and lands in
both tasks' histories. Links join tasks of one organization, across its projects.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update

from taskmanager.activity import services as activity
from taskmanager.dependencies import cycles
from taskmanager.dependencies.models import TaskDependency
from taskmanager.dependencies.schemas import MAX_LINKS
from taskmanager.errors import Conflict
from taskmanager.errors import NotFound
from taskmanager.errors import Unprocessable
from taskmanager.extensions import db
from taskmanager.orgs.models import Membership
from taskmanager.orgs.models import Organization
from taskmanager.policy import Action
from taskmanager.policy import require
from taskmanager.tasks.models import Task


def get_link(organization_id: int, link_id: int) -> TaskDependency:
    link = db.session.get(TaskDependency, link_id)
    if link is None or link.organization_id != organization_id:
        raise NotFound("No such dependency.")
    return link


def _links(column: Any, task: Task) -> list[TaskDependency]:
    query = select(TaskDependency).where(column == task.id)
    return list(db.session.scalars(query.order_by(TaskDependency.created_at, TaskDependency.id)))


def blocked_by(task: Task) -> list[TaskDependency]:
    """The links to the tasks ``task`` waits for, oldest first."""
    return _links(TaskDependency.blocked_id, task)


def blocking(task: Task) -> list[TaskDependency]:
    """The links to the tasks that wait for ``task``, oldest first."""
    return _links(TaskDependency.blocker_id, task)


def _serialise(organization_id: int) -> None:
    """One writer of an organization's links at a time, until this transaction ends.

    Two links added at once could each pass the loop check and together close a loop
    ("A blocks B" and "B blocks A"). PostgreSQL locks the organization's row; SQLite
    ignores FOR UPDATE, so a write to that row takes its database write lock.
    """
    row = select(Organization.id).where(Organization.id == organization_id)
    db.session.execute(row.with_for_update()).all()
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(Organization)
            .where(Organization.id == organization_id)
            .values(plan=Organization.plan)
            .execution_options(synchronize_session=False)
        )


def _loop_message(organization_id: int, path: list[int]) -> str:
    rows = db.session.execute(
        select(Task.id, Task.title).where(
            Task.organization_id == organization_id, Task.id.in_(path)
        )
    )
    titles = {row.id: row.title for row in rows}
    names = " blocks ".join(f"“{titles.get(task_id, task_id)}”" for task_id in path)
    return f"That would make a loop: {names}. Remove one of these links first."


def add_dependency(*, actor: Membership, blocker: Task, blocked: Task) -> TaskDependency:
    """Record that ``blocker`` blocks ``blocked`` (both of the actor's organization).

    Raises:
        Unprocessable: a task linked to itself (the path's task: 422 in the API).
        Conflict: the link exists, a task has MAX_LINKS links that way, or the link
            would close a loop (the message names it: "A blocks B blocks A").
    """
    require(actor.role, Action.LINK_TASKS)
    organization_id = actor.organization_id
    if blocker.organization_id != organization_id or blocked.organization_id != organization_id:
        raise NotFound("No such task.")
    if blocker.id == blocked.id:
        raise Unprocessable(details={"blocked_by": "A task cannot wait for itself."})
    _serialise(organization_id)
    links = TaskDependency
    existing = db.session.scalar(
        select(links.id).where(links.blocker_id == blocker.id, links.blocked_id == blocked.id)
    )
    if existing is not None:
        raise Conflict(f"“{blocker.title}” already blocks “{blocked.title}”.")
    counts = db.session.execute(
        select(
            func.count().filter(links.blocked_id == blocked.id),
            func.count().filter(links.blocker_id == blocker.id),
        ).where(or_(links.blocked_id == blocked.id, links.blocker_id == blocker.id))
    ).one()
    if max(counts) >= MAX_LINKS:
        raise Conflict(f"A task can wait for, or block, at most {MAX_LINKS} tasks.")
    path = cycles.chain(organization_id=organization_id, start=blocked.id, goal=blocker.id)
    if path is not None:
        raise Conflict(
            _loop_message(organization_id, [blocker.id, *path]),
            details={"loop": [blocker.id, *path]},
        )
    link = TaskDependency(
        organization_id=organization_id, blocker_id=blocker.id, blocked_id=blocked.id,
        created_by_id=actor.user_id,
    )  # fmt: skip
    db.session.add(link)
    db.session.flush()
    _record(actor, waiting=blocked, on=blocker, verb="dependency.added")
    db.session.commit()
    return link


def _record(actor: Membership, *, waiting: Task, on: Task, verb: str) -> None:
    """One entry in each task's history, naming the other task."""
    for task, other, side in ((waiting, on, "blocked_by"), (on, waiting, "blocks")):
        activity.record(
            organization_id=task.organization_id, actor=actor.user, verb=f"{verb}.{side}",
            subject_type="task", subject_id=other.id, subject_title=other.title, task_id=task.id,
        )  # fmt: skip


def remove_dependency(*, actor: Membership, link: TaskDependency) -> None:
    require(actor.role, Action.LINK_TASKS)
    _record(actor, waiting=link.blocked, on=link.blocker, verb="dependency.removed")
    db.session.delete(link)
    db.session.commit()
