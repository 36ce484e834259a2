"""What the task page's dependencies section shows (tasks/views.py includes it)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import select

from taskmanager.dependencies import services
from taskmanager.dependencies.models import TaskDependency
from taskmanager.extensions import db
from taskmanager.orgs.models import Membership
from taskmanager.policy import Action
from taskmanager.policy import can
from taskmanager.tasks import search
from taskmanager.tasks.models import Status
from taskmanager.tasks.models import Task

FOUND = 8  # tasks the "find a task" form lists


@dataclass
class Panel:
    blocked_by: list[TaskDependency]
    blocks: list[TaskDependency]
    can_link: bool
    query: str = ""
    found: list[Task] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return any(link.blocker.status != Status.DONE for link in self.blocked_by)


def candidates(me: Membership, task: Task, query: str) -> list[Task]:
    """Tasks of the organization (any project) matching ``query``: words of the title
    or description, or a task number ("42", "#42"); the task itself left out."""
    words = query.strip()[:200]
    if not words:
        return []
    number = words.removeprefix("#")
    condition = Task.id == int(number) if number.isdigit() and len(number) < 10 else None
    found = select(Task).where(Task.organization_id == me.organization_id, Task.id != task.id)
    found = found.where(condition if condition is not None else search.matches(words))
    return list(
        db.session.scalars(found.order_by(Task.status == Status.DONE, Task.id.desc()).limit(FOUND))
    )


def panel(me: Membership, task: Task, query: str | None = None) -> Panel:
    return Panel(
        blocked_by=services.blocked_by(task),
        blocks=services.blocking(task),
        can_link=can(me.role, Action.LINK_TASKS),
        query=(query or "").strip()[:200],
        found=candidates(me, task, query or "") if can(me.role, Action.LINK_TASKS) else [],
    )
