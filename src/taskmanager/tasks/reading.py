"""Tasks as the API shows them (TaskOut's fields), read as rows rather than ORM objects.

The API's task reads send the statements they sent before (P5), but each asks for
exactly TaskOut's columns, and the rows become plain dicts that TaskOut validates in
one pass. Loading ORM instances (a task with its project and assignee, every column of
each, the labels through the selectin loader) cost most of a read's CPU (issue 17).
Writes keep the ORM: they need the instances.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ARRAY
from sqlalchemy import Integer
from sqlalchemy import Select
from sqlalchemy import and_
from sqlalchemy import any_
from sqlalchemy import bindparam
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.accounts.identity import Someone
from taskmanager.accounts.models import User
from taskmanager.errors import NotFound
from taskmanager.extensions import db
from taskmanager.notifications import watchers
from taskmanager.orgs.models import Membership
from taskmanager.projects.models import Label
from taskmanager.projects.models import Project
from taskmanager.recurrence.services import shown as recurrence_shown
from taskmanager.tasks.models import Task
from taskmanager.tasks.models import task_labels

# TaskOut's values in this order; ``fields`` reads them back by position.
COLUMNS = (
    Task.id, Task.organization_id, Task.project_id, Project.name, Task.title,
    Task.description, Task.status, Task.priority, Task.position, Task.due_at,
    Task.assignee_id, User.name, User.email, Task.comment_count, Task.attachment_count,
    Task.watcher_ids, Task.created_by_id, Task.completed_at, Task.created_at, Task.updated_at,
    Task.version,
    # The card marks, as the board and the list compute them (Task's column properties).
    Task.checklist_done, Task.checklist_total, Task.blocked,
    Task.repeat_rule, Task.repeat_zone,
)  # fmt: skip
WIDTH = len(COLUMNS)


# A select of tasks as rows of COLUMNS: listing adds the filters and the order.
ROWS: Select[*tuple[Any, ...]] = (
    select(*COLUMNS)
    .select_from(Task)
    .join(Project, Project.id == Task.project_id)
    .outerjoin(User, User.id == Task.assignee_id)
)

# One task by id, joined to the caller's membership of its organization: that join is
# the statement's tenant filter (a foreign id finds nothing). Built once, bound per call.
_ONE = ROWS.join(
    Membership,
    and_(
        Membership.organization_id == Task.organization_id,
        Membership.user_id == bindparam("user_id"),
    ),
).where(Task.id == bindparam("task_id"))


def _labels(dialect: str) -> Select[Any]:
    # PostgreSQL takes the page's ids as one array parameter: a statement of one shape
    # whatever the page size, whose conversion psycopg caches (it does not past 50
    # parameters). SQLite has no arrays: an IN list. The organizations are the tasks'
    # own, written out: the statement runs below the tenancy net (``filtered_rows``).
    task_id = task_labels.c.task_id
    postgresql = dialect == "postgresql"
    ids = bindparam("task_ids", expanding=not postgresql, type_=ARRAY(Integer))
    orgs = bindparam("org_ids", expanding=not postgresql, type_=ARRAY(Integer))
    return (
        select(task_id, Label.id, Label.name, Label.color)
        .join(Label, Label.id == task_labels.c.label_id)
        .where(task_id == any_(ids) if postgresql else task_id.in_(ids))
        .where(
            Label.organization_id == any_(orgs) if postgresql else Label.organization_id.in_(orgs)
        )
        .order_by(Label.name)
    )


_LABELS = {name: _labels(name) for name in ("postgresql", "sqlite")}


def task_fields(row: Sequence[Any], labels: list[dict[str, Any]], me: int) -> dict[str, Any]:
    """One row of ``COLUMNS`` as TaskOut's input, as user ``me`` sees it."""
    (
        task_id, organization_id, project_id, project_name, title, description, status,
        priority, position, due_at, assignee_id, assignee_name, assignee_email,
        comment_count, attachment_count, watcher_ids, created_by_id, completed_at, created_at,
        updated_at, version, checklist_done, checklist_total, blocked,
        repeat_rule, repeat_zone,
    ) = row[:WIDTH]  # fmt: skip
    watch = watchers.read_ids(watcher_ids, me)
    assignee = None
    if assignee_id is not None:
        # As User.display_name: a user without a name is shown by the start of their email.
        assignee = {"id": assignee_id, "name": assignee_name or assignee_email.split("@", 1)[0]}
    return {
        "id": task_id, "organization_id": organization_id,
        "project": {"id": project_id, "name": project_name}, "title": title,
        "description": description, "status": status, "priority": priority,
        "position": position, "due_at": due_at, "assignee": assignee, "labels": labels,
        "comment_count": comment_count, "attachment_count": attachment_count,
        "watching": watch.watching, "watcher_count": watch.watcher_count,
        "created_by_id": created_by_id, "completed_at": completed_at,
        "created_at": created_at, "updated_at": updated_at, "version": version,
        "checklist": {"done": checklist_done, "total": checklist_total}, "blocked": blocked,
        "recurrence": recurrence_shown(repeat_rule, repeat_zone),
    }  # fmt: skip


def tasks_out(rows: Sequence[Sequence[Any]], me: int) -> list[dict[str, Any]]:
    """Rows of ``COLUMNS`` (a page, in its order) with their labels: one statement more."""
    labels: dict[int, list[dict[str, Any]]] = {row[0]: [] for row in rows}
    if labels:
        query = _LABELS[db.session.get_bind().dialect.name]
        org_ids = list({row[1] for row in rows})
        found = tenancy.filtered_rows(query, {"task_ids": list(labels), "org_ids": org_ids})
        for task_id, label_id, name, color in found:
            labels[task_id].append({"id": label_id, "name": name, "color": color})
    return [task_fields(row, labels[row[0]], me) for row in rows]


def task_out(*, user: Someone, task_id: int) -> dict[str, Any]:
    """One task as TaskOut's input, if the user is a member of its organization.

    Scopes the rest of the request to that organization, as ``orgs.access_with`` does.

    Raises:
        NotFound: no such task, or it belongs to an organization the user is not in.
    """
    # The membership join is the statement's tenant filter (see _ONE).
    found = tenancy.filtered_rows(_ONE, {"task_id": task_id, "user_id": user.id})
    if not found:
        raise NotFound()
    row = found[0]
    tenancy.enter({row[1]})  # organization_id
    return tasks_out([row], user.id)[0]


# The marks of tasks loaded as ORM objects without them (after a write's commit).
_MARKS = select(Task.id, Task.checklist_done, Task.checklist_total, Task.blocked)


def marks(task_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Each task's checklist progress and blocked flag, as TaskOut shows them: one statement."""
    found = db.session.execute(_MARKS.where(Task.id.in_(list(task_ids))))
    return {
        task_id: {"checklist": {"done": done, "total": total}, "blocked": bool(blocked)}
        for task_id, done, total, blocked in found
    }
