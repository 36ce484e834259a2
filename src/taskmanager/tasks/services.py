"""Tasks: create, change, delete; every change lands in the history.

Pages and the API call these same functions. Each use case is one transaction, and a
write that names an out-of-date ``version`` is refused with StaleVersion (a Conflict)
rather than silently overwriting someone else's change. Lists and pages of tasks are
in listing.py, board order in ordering.py, the rules a new task obeys in rules.py, the
one statement that writes a new task in inserting.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm.attributes import set_committed_value

from taskmanager.accounts.models import User
from taskmanager.activity import services as activity
from taskmanager.concurrency import check_version
from taskmanager.db import utcnow
from taskmanager.dependencies import notices as dependency_notices
from taskmanager.errors import Forbidden
from taskmanager.errors import NotFound
from taskmanager.errors import Unprocessable
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.notifications import services as notify
from taskmanager.notifications import watchers
from taskmanager.orgs.models import Membership
from taskmanager.policy import Action
from taskmanager.policy import can
from taskmanager.policy import require
from taskmanager.projects.models import Label
from taskmanager.projects.models import Project
from taskmanager.recurrence import hooks as recurrence
from taskmanager.tasks import inserting
from taskmanager.tasks import ordering
from taskmanager.tasks.inserting import NewTask
from taskmanager.tasks.models import Priority
from taskmanager.tasks.models import Status
from taskmanager.tasks.models import Task
from taskmanager.tasks.rules import assignee_in
from taskmanager.tasks.rules import labels_in
from taskmanager.tasks.rules import new_task
from taskmanager.tasks.schemas import TaskCreate
from taskmanager.tasks.schemas import TaskUpdate


def get_task(organization_id: int, task_id: int) -> Task:
    task = db.session.get(Task, task_id)
    if task is None or task.organization_id != organization_id:
        raise NotFound("No such task.")
    return task


def build_task(
    *, project: Project, data: TaskCreate, created_by_id: int | None, position: int | None = None
) -> Task:
    """A new task in ``project`` (``new_task``'s), added to the session but not committed.

    The unit-of-work path: for the callers that add tasks among other changes, and
    for ``create_task`` where its one statement cannot serve. ``position`` lets a
    caller that adds many tasks count positions itself; by default the task goes to
    the end of its status column.

    Raises:
        Conflict: the project is archived.
        Unprocessable: an assignee or label from outside the organization.
    """
    return _added(new_task(project=project, data=data, created_by_id=created_by_id), position)


def _added(new: NewTask, position: int | None) -> Task:
    row = new.row
    if position is None:
        position = ordering.next_position(row["project_id"], row["status"])
    task = Task(**row, position=position, assignee=new.assignee, labels=new.labels)
    db.session.add(task)
    watchers.follow(task=task, user_ids=new.followers, new=True)
    return task


def create_task(*, actor: Membership, project: Project, data: TaskCreate) -> Task:
    """Create a task at the end of its column (or at ``data.position``), with its
    history entry; commit.

    On PostgreSQL the task, its labels, followers and history entry are one statement
    (``inserting``); elsewhere, or when the column's keys have run out, the unit of work
    writes them.

    Raises:
        Forbidden: the actor may not write tasks.
        Conflict: the project is archived.
        Unprocessable: an assignee or label from outside the organization.
    """
    require(actor.role, Action.WRITE_TASKS)
    user = actor.user
    new = new_task(project=project, data=data, created_by_id=actor.user_id)
    task = inserting.insert_task(project=project, new=new, actor=user)
    try:
        if task is None:
            task = _added(new, None)
            db.session.flush()
            # New: no comments nor files, no checklist, nothing blocking it, and followed
            # by those new_task names; no query to say so.
            for name, value in inserting.NEW_TASK_MARKS.items():
                set_committed_value(task, name, value)
            set_committed_value(task, "watcher_ids", watchers.written_ids(new.followers))
            activity.record(
                organization_id=task.organization_id, actor=user, verb=inserting.VERB,
                subject_type="task", subject_id=task.id, subject_title=task.title,
                task_id=task.id,
            )  # fmt: skip
        if data.position is not None:
            # Made last, then moved where asked, as a drop would move it.
            ordering.lock_columns(project.id)
            ordering.move(task, task.status, data.position, {})
        notify.task_created(task=task, actor=user)
        db.session.commit()
    except BaseException:
        # A task the one statement wrote is in the session as loaded, not as new: a
        # rollback would leave it there, expired, for the next use to trip on.
        if task is not None and task in db.session:
            db.session.expunge(task)
        raise
    return task


def _describe(value: Any) -> Any:
    """A value as the history shows it: dates as ISO 8601, people and labels by name."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, User):
        return value.display_name
    if isinstance(value, list):
        return sorted(_describe(item) for item in value)
    if isinstance(value, Label):
        return value.name
    return value


def _identity(value: Any) -> Any:
    """What makes two values the same: rows by id (two people may share a name)."""
    if isinstance(value, list):
        return sorted(_identity(item) for item in value)
    if isinstance(value, User | Label):
        return value.id
    return value


def _values(organization_id: int, sent: dict[str, Any]) -> dict[str, Any]:
    """The sent fields as the task's attributes: ids to rows, enums to their values.

    Null clears a field that can be empty; on status and priority it keeps the
    current value; a task cannot lose its title.
    """
    values: dict[str, Any] = {}
    for name, value in sent.items():
        if name == "assignee_id":
            values["assignee"] = assignee_in(organization_id, value)
        elif name == "label_ids":
            values["labels"] = labels_in(organization_id, value or [])
        elif name == "title" and value is None:
            raise ValidationFailed(details={"title": "Give the task a title."})
        elif name == "description":
            values[name] = value or ""
        elif value is not None or name == "due_at":
            values[name] = value.value if isinstance(value, Status | Priority) else value
    return values


PLACE_ONCE = "Send one of position, above or below."


def update_task(
    *, actor: Membership, task: Task, data: TaskUpdate, expected_version: int | None = None
) -> Task:
    """Apply the fields present in ``data``; record each change old -> new.

    A field is changed the same way whatever it is; what a change implies (a new
    assignee is told, a new due date gets a new reminder, a new status or position
    reorders the board) follows from the recorded changes.

    Raises:
        StaleVersion: ``expected_version`` is not the task's current version.
        Unprocessable: an assignee or label from outside the organization.
    """
    require(actor.role, Action.WRITE_TASKS)
    placing = {"position", "above", "below"} & data.model_fields_set
    if len(placing) > 1:
        raise Unprocessable(details={name: PLACE_ONCE for name in sorted(placing)})
    for name in ("above", "below"):
        if getattr(data, name) == task.id:
            raise Unprocessable(details={name: "Name another task of the column."})
    if placing or "status" in data.model_fields_set:
        ordering.lock_columns(task.project_id)  # before the task's row: see ordering
    check_version(task, expected_version, noun="task")
    sent = data.model_dump(exclude_unset=True)
    position, above, below = (sent.pop(name, None) for name in ("position", "above", "below"))
    moving = bool(placing)
    values = _values(task.organization_id, sent)
    status = values.pop("status", task.status)
    if above is not None or below is not None:
        # Counted under the lock just taken: no other drop moves cards in between.
        index = ordering.index_of(task, status, above or below)
        position = None if index is None else index + (below is not None)
    changes: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(task, name)
        if _identity(new) != _identity(old):
            changes[name] = [_describe(old), _describe(new)]
            setattr(task, name, new)
    if "due_at" in changes:
        task.reminded_at = None  # a new due date deserves a new reminder
    if "assignee" in changes and task.assignee is not None:
        task.assigned_at = utcnow()
        notify.task_assigned(task=task, actor=actor.user)
    if status != task.status or moving:
        ordering.move(task, status, position, changes)
    if "status" in changes:
        notify.task_completed(task=task, actor=actor.user)
    if not changes:
        db.session.commit()  # releases the row lock
        return task
    task.version += 1
    if "status" in changes and task.status == Status.DONE:
        dependency_notices.blocker_done(task=task, actor=actor.user)
        recurrence.task_completed(task=task, actor=actor.user)
    activity.record(
        organization_id=task.organization_id, actor=actor.user, verb="task.updated",
        subject_type="task", subject_id=task.id, subject_title=task.title, task_id=task.id,
        changes=changes,
    )  # fmt: skip
    db.session.commit()
    return task


def may_delete(*, actor: Membership, task: Task) -> bool:
    """Admins and owners delete any task; members only the ones they created."""
    if can(actor.role, Action.DELETE_ANY_TASK):
        return True
    return can(actor.role, Action.DELETE_OWN_TASK) and task.created_by_id == actor.user_id


def delete_task(*, actor: Membership, task: Task, expected_version: int | None = None) -> None:
    """Delete a task, if ``may_delete`` allows it (the pages and the API alike).

    Raises:
        Forbidden: a member deleting someone else's task, or a viewer.
        StaleVersion: ``expected_version`` is not the task's current version.
    """
    if not may_delete(actor=actor, task=task):
        require(actor.role, Action.DELETE_OWN_TASK)  # a viewer hears what the role lacks
        raise Forbidden("Members can delete only the tasks they created.")
    check_version(task, expected_version, noun="task")
    activity.record(
        organization_id=task.organization_id, actor=actor.user, verb="task.deleted",
        subject_type="task", subject_id=task.id, subject_title=task.title,
    )  # fmt: skip
    db.session.delete(task)
    db.session.commit()
