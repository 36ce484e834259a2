"""The rules every new task obeys, whichever way it is made, and its first row.

A task made through the API or a page, by CSV import, from a checklist item or as a
repeating task's next occurrence is checked here (``new_task``): no tasks in an
archived project, assignees and labels from the project's organization, the creator
and the assignee following it. services.py writes it (through inserting.py or the
unit of work); updates use ``assignee_in`` and ``labels_in`` too.
"""

from __future__ import annotations

from sqlalchemy import select

from taskmanager.accounts.models import User
from taskmanager.db import utcnow
from taskmanager.errors import Conflict
from taskmanager.errors import Unprocessable
from taskmanager.extensions import db
from taskmanager.orgs.models import Membership
from taskmanager.projects.models import Label
from taskmanager.projects.models import Project
from taskmanager.tasks.inserting import NewTask
from taskmanager.tasks.models import Priority
from taskmanager.tasks.models import Status
from taskmanager.tasks.schemas import TaskCreate


def assignee_in(organization_id: int, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    membership = db.session.scalar(
        select(Membership).where(
            Membership.organization_id == organization_id, Membership.user_id == user_id
        )
    )
    if membership is None:
        raise Unprocessable(
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
        raise Unprocessable(details={"label_ids": "Use labels of this organization."})
    return labels


def require_open(project: Project) -> None:
    """Refuse to add tasks to an archived project (by hand or by import).

    Raises:
        Conflict: the project is archived.
    """
    if project.archived:
        raise Conflict("This project is archived; unarchive it to add tasks.")


def new_task(*, project: Project, data: TaskCreate, created_by_id: int | None) -> NewTask:
    """A new task's columns and relations, checked, its position aside.

    The one place a task's defaults and rules are: ``create_task``, the CSV import, a
    checklist item's conversion and a repeating task's next occurrence all come here,
    so they cannot drift apart (no tasks in an archived project, assignees and labels
    from the project's organization, the creator and the assignee following it).

    Raises:
        Conflict: the project is archived.
        Unprocessable: an assignee or label from outside the organization.
    """
    require_open(project)
    status = (data.status or Status.TODO).value
    assignee = assignee_in(project.organization_id, data.assignee_id)
    labels = labels_in(project.organization_id, data.label_ids or [])
    now = utcnow()
    row = {
        "organization_id": project.organization_id,
        "project_id": project.id,
        "title": data.title,
        "description": data.description or "",
        "status": status,
        "priority": (data.priority or Priority.NORMAL).value,
        "due_at": data.due_at,
        "assignee_id": assignee.id if assignee is not None else None,
        "created_by_id": created_by_id,
        "completed_at": now if status == Status.DONE else None,
        "reminded_at": None,
        "assigned_at": now if assignee is not None else None,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    followers = [created_by_id, assignee.id if assignee is not None else None]
    return NewTask(row=row, assignee=assignee, labels=labels, followers=followers)
