"""Tasks: create, change, move, delete, list; every change lands in the history.

Pages and the API call these same functions. Each use case is one transaction, and a
write that names an out-of-date ``version`` is refused with StaleVersion (a Conflict)
rather than silently overwriting someone else's change.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from typing import Any

from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import undefer
from sqlalchemy.orm.attributes import set_committed_value

from taskmanager.accounts.models import User
from taskmanager.activity import services as activity
from taskmanager.concurrency import check_version
from taskmanager.db import utcnow
from taskmanager.errors import Conflict
from taskmanager.errors import Forbidden
from taskmanager.errors import NotFound
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.notifications import services as notify
from taskmanager.orgs.models import Membership
from taskmanager.policy import Action
from taskmanager.policy import can
from taskmanager.policy import require
from taskmanager.projects.models import Label
from taskmanager.projects.models import Project
from taskmanager.tasks import search
from taskmanager.tasks import sorting
from taskmanager.tasks.models import Priority
from taskmanager.tasks.models import Status
from taskmanager.tasks.models import Task
from taskmanager.tasks.models import task_labels
from taskmanager.tasks.schemas import TaskCreate
from taskmanager.tasks.schemas import TaskUpdate


def get_task(organization_id: int, task_id: int) -> Task:
    task = db.session.get(Task, task_id)
    if task is None or task.organization_id != organization_id:
        raise NotFound("No such task.")
    return task


def assignee_in(organization_id: int, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    membership = db.session.scalar(
        select(Membership).where(
            Membership.organization_id == organization_id, Membership.user_id == user_id
        )
    )
    if membership is None:
        raise ValidationFailed(
            details={"assignee_id": "Assign the task to a member of this organization."}
        )
    return membership.user


def labels_in(organization_id: int, label_ids: list[int]) -> list[Label]:
    wanted = set(label_ids)
    if not wanted:
        return []
    labels = list(
        db.session.scalars(
            select(Label).where(Label.organization_id == organization_id, Label.id.in_(wanted))
        )
    )
    if len(labels) != len(wanted):
        raise ValidationFailed(details={"label_ids": "Use labels of this organization."})
    return labels


def next_position(project_id: int, status: str) -> int:
    highest = db.session.scalar(
        select(func.max(Task.position)).where(Task.project_id == project_id, Task.status == status)
    )
    return (highest if highest is not None else -1) + 1


def _describe(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, User):
        return value.display_name
    return value


def create_task(*, actor: Membership, project: Project, data: TaskCreate) -> Task:
    require(actor.role, Action.WRITE_TASKS)
    if project.archived:
        raise Conflict("This project is archived; unarchive it to add tasks.")
    status = (data.status or Status.TODO).value
    task = Task(
        organization_id=project.organization_id,
        project_id=project.id,
        title=data.title,
        description=data.description or "",
        status=status,
        priority=(data.priority or Priority.NORMAL).value,
        due_at=data.due_at,
        created_by_id=actor.user_id,
        position=next_position(project.id, status),
        completed_at=utcnow() if status == Status.DONE else None,
    )
    task.assignee = assignee_in(project.organization_id, data.assignee_id)
    if task.assignee is not None:
        task.assigned_at = utcnow()
    task.labels = labels_in(project.organization_id, data.label_ids or [])
    db.session.add(task)
    db.session.flush()
    set_committed_value(task, "comment_count", 0)  # new: no comments, no query to say so
    activity.record(
        organization_id=task.organization_id, actor=actor.user, verb="task.created",
        subject_type="task", subject_id=task.id, subject_title=task.title, task_id=task.id,
    )  # fmt: skip
    notify.task_assigned(task=task, actor=actor.user)
    db.session.commit()
    return task


def update_task(
    *, actor: Membership, task: Task, data: TaskUpdate, expected_version: int | None = None
) -> Task:
    """Apply the fields present in ``data``; record each change old -> new.

    Raises:
        StaleVersion: ``expected_version`` is not the task's current version.
        ValidationFailed: an assignee or label from outside the organization.
    """
    require(actor.role, Action.WRITE_TASKS)
    check_version(task, expected_version, noun="task")
    sent = data.model_fields_set
    changes: dict[str, list[Any]] = {}

    def change(name: str, new: Any, old: Any) -> None:
        if new != old:
            changes[name] = [_describe(old), _describe(new)]

    if "title" in sent:
        if not data.title:
            raise ValidationFailed(details={"title": "A task needs a title."})
        change("title", data.title, task.title)
        task.title = data.title
    if "description" in sent:
        change("description", data.description or "", task.description)
        task.description = data.description or ""
    if "priority" in sent and data.priority is not None:
        change("priority", data.priority.value, task.priority)
        task.priority = data.priority.value
    if "due_at" in sent:
        change("due_at", data.due_at, task.due_at)
        if data.due_at != task.due_at:
            task.reminded_at = None  # a new due date deserves a new reminder
        task.due_at = data.due_at
    if "assignee_id" in sent:
        assignee = assignee_in(task.organization_id, data.assignee_id)
        change("assignee", assignee, task.assignee)
        newly_assigned = assignee is not None and assignee != task.assignee
        if newly_assigned:
            task.assigned_at = utcnow()
        task.assignee = assignee
        if newly_assigned:
            notify.task_assigned(task=task, actor=actor.user)
    if "label_ids" in sent:
        labels = labels_in(task.organization_id, data.label_ids or [])
        change(
            "labels", sorted(label.name for label in labels), [label.name for label in task.labels]
        )
        task.labels = labels
    new_status = data.status.value if "status" in sent and data.status else task.status
    if new_status != task.status or "position" in sent:
        _move(task, new_status, data.position, changes)
    if not changes:
        db.session.commit()  # releases the row lock
        return task
    task.version += 1
    activity.record(
        organization_id=task.organization_id, actor=actor.user, verb="task.updated",
        subject_type="task", subject_id=task.id, subject_title=task.title, task_id=task.id,
        changes=changes,
    )  # fmt: skip
    db.session.commit()
    return task


def _move(task: Task, status: str, position: int | None, changes: dict[str, list[Any]]) -> None:
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


def delete_task(*, actor: Membership, task: Task, expected_version: int | None = None) -> None:
    """Delete a task: admins and owners any, members only the ones they created.

    Raises:
        StaleVersion: ``expected_version`` is not the task's current version.
    """
    if not can(actor.role, Action.DELETE_ANY_TASK):
        require(actor.role, Action.DELETE_OWN_TASK)
        if task.created_by_id != actor.user_id:
            raise Forbidden("Members can delete only the tasks they created.")
    check_version(task, expected_version, noun="task")
    activity.record(
        organization_id=task.organization_id, actor=actor.user, verb="task.deleted",
        subject_type="task", subject_id=task.id, subject_title=task.title,
    )  # fmt: skip
    db.session.delete(task)
    db.session.commit()


@dataclass
class TaskFilters:
    status: str | None = None
    assignee_id: int | None = None  # 0 means "unassigned"
    label_id: int | None = None
    due_after: datetime | None = None
    due_before: datetime | None = None
    text: str | None = None
    sort: str = "position"
    errors: dict[str, str] = field(default_factory=dict)


def filtered(query: Select[Task], filters: TaskFilters) -> Select[Task]:
    if filters.status:
        query = query.where(Task.status == filters.status)
    if filters.assignee_id is not None:
        if filters.assignee_id == 0:
            query = query.where(Task.assignee_id.is_(None))
        else:
            query = query.where(Task.assignee_id == filters.assignee_id)
    if filters.label_id:
        query = query.where(
            Task.id.in_(
                select(task_labels.c.task_id).where(task_labels.c.label_id == filters.label_id)
            )
        )
    if filters.due_after:
        query = query.where(Task.due_at >= filters.due_after)
    if filters.due_before:
        query = query.where(Task.due_at < filters.due_before)
    if filters.text and filters.text.strip():
        query = query.where(search.matches(filters.text.strip()[:200]))
    return query


@dataclass
class Page:
    """One page of tasks, and where the next one starts.

    ``page`` is None for a page asked for by position (keyset): such a page has no
    number. ``next_after`` is the position of the page's last task when more follow
    (pass it back as ``after``), None on the last page.
    """

    items: list[Task]
    total: int
    page: int | None
    per_page: int
    next_after: list[sorting.KeyValue] | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def list_tasks(
    *, project: Project, filters: TaskFilters, page: int = 1, per_page: int = 25,
    after: Sequence[object] | None = None,
) -> Page:  # fmt: skip
    """One page of a project's tasks: a fixed number of statements whatever the page.

    With ``after`` (a ``Page.next_after``) the page starts after that task, and
    ``page`` is ignored.

    Raises:
        ValidationFailed: ``after`` is not a position in ``filters.sort``.
    """
    base = filtered(select(Task).where(Task.project_id == project.id), filters)
    return _page(base, filters, page=page, per_page=per_page, after=after)


def search_tasks(
    *,
    organization_ids: Iterable[int],
    filters: TaskFilters,
    project_id: int | None = None,
    page: int = 1,
    per_page: int = 25,
    after: Sequence[object] | None = None,
) -> Page:
    """One page of tasks across organizations (the caller scopes the request to them).

    ``after`` as for ``list_tasks``.
    """
    query = select(Task).where(Task.organization_id.in_(list(organization_ids)))
    if project_id is not None:
        query = query.where(Task.project_id == project_id)
    return _page(filtered(query, filters), filters, page=page, per_page=per_page, after=after)


def _page(
    base: Select[Task], filters: TaskFilters, *, page: int, per_page: int,
    after: Sequence[object] | None,
) -> Page:  # fmt: skip
    per_page = max(1, min(per_page, 100))
    # The total of every match rides on each row (an uncorrelated subquery: PostgreSQL
    # counts once per statement), so a page is one statement whatever its kind. The key
    # values come from the database next to each task, so the next position is exactly
    # what the database compares (lower(title), the priority rank).
    count = select(func.count()).select_from(base.order_by(None).subquery())
    query = (
        base.add_columns(count.scalar_subquery(), *sorting.columns(filters.sort))
        .order_by(*sorting.order_by(filters.sort))
        .options(undefer(Task.comment_count))
    )
    number: int | None = None
    if after is not None:
        query = query.where(sorting.after(filters.sort, after))
    else:
        number = max(1, page)
        query = query.offset((number - 1) * per_page)
    # One row more than the page tells whether another page follows.
    rows = db.session.execute(query.limit(per_page + 1)).all()
    items = [row[0] for row in rows[:per_page]]
    # A page past the end has no row to carry the total: counted apart.
    total = int(rows[0][1]) if rows else db.session.scalar(count) or 0
    next_after = None
    if len(rows) > per_page:
        next_after = sorting.dump(filters.sort, tuple(rows[per_page - 1])[2:])
    return Page(items=items, total=total, page=number, per_page=per_page, next_after=next_after)


def board(*, project: Project, filters: TaskFilters | None = None) -> dict[Status, list[Task]]:
    query = filtered(select(Task).where(Task.project_id == project.id), filters or TaskFilters())
    columns: dict[Status, list[Task]] = {status: [] for status in Status}
    for task in db.session.scalars(query.order_by(Task.position, Task.id)):
        columns[Status(task.status)].append(task)
    return columns


@dataclass
class Dashboard:
    overdue: list[Task]
    due_soon: list[Task]
    recently_assigned: list[Task]


def dashboard(*, user: User, now: datetime | None = None) -> Dashboard:
    """The user's open tasks across their organizations (the caller scopes to them)."""
    now = now or utcnow()
    mine = select(Task).where(Task.assignee_id == user.id, Task.status != Status.DONE.value)
    overdue = db.session.scalars(mine.where(Task.due_at < now).order_by(Task.due_at).limit(20))
    soon = db.session.scalars(
        mine.where(Task.due_at >= now, Task.due_at < now + timedelta(days=7))
        .order_by(Task.due_at)
        .limit(20)
    )
    recent = db.session.scalars(
        mine.where(Task.assigned_at.is_not(None)).order_by(Task.assigned_at.desc()).limit(10)
    )
    return Dashboard(overdue=list(overdue), due_soon=list(soon), recently_assigned=list(recent))
