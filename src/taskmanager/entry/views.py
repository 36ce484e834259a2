"""Quick-add and inline edits on the project pages.

Both work as plain forms (a redirect after the post, a refused form shown again with
what was typed) and, with htmx, answer with just the part of the page that changed:
the quick-add box, or the task's row in the list.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_security import current_user
from werkzeug.exceptions import NotFound

from taskmanager import links
from taskmanager.attachments import services as attachments
from taskmanager.entry import services
from taskmanager.entry.schemas import QuickAddIn
from taskmanager.errors import Conflict
from taskmanager.errors import StaleVersion
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.orgs import services as orgs
from taskmanager.orgs.models import Membership
from taskmanager.orgs.workspace import membership
from taskmanager.orgs.workspace import workspace
from taskmanager.policy import Action
from taskmanager.policy import can
from taskmanager.projects import services as projects
from taskmanager.projects.views import list_page
from taskmanager.schemas import parse
from taskmanager.tasks import services as tasks
from taskmanager.tasks.models import Priority
from taskmanager.tasks.models import Status
from taskmanager.tasks.models import Task
from taskmanager.tasks.schemas import TaskUpdate
from taskmanager.web import int_or_none
from taskmanager.web import local_datetime

# What a list cell may change in place; anything else is the task page's.
CELLS = ("status", "priority", "assignee", "due")


def _htmx() -> bool:
    return bool(request.headers.get("HX-Request"))


def _summary(task: Task) -> str:
    """What quick-add understood, to say back: "Fix login: high, due Dec 05, for Ana, #bug"."""
    parts = [task.priority] if task.priority != Priority.NORMAL else []
    if task.due_at is not None:
        local = task.due_at.astimezone(ZoneInfo(current_user.time_zone or "UTC"))
        parts.append(f"due {local:%a %b %d}")
    if task.assignee is not None:
        parts.append(f"for {task.assignee.display_name}")
    parts.extend(f"#{label.name}" for label in task.labels)
    return f"“{task.title}”" + (f": {', '.join(parts)}" if parts else "")


@workspace.post("/projects/<int:project_id>/tasks/quick")
def quick_add(project_id: int) -> ResponseReturnValue:
    me = membership()
    project = projects.get_project(me.organization_id, project_id)
    text = request.form.get("text", "")
    back = links.safe_target(
        request.form.get("back"), url_for("org.project", project_id=project_id)
    )
    try:
        task = services.quick_add(actor=me, project=project, data=parse(QuickAddIn, {"text": text}))
    except (ValidationFailed, Conflict) as error:
        db.session.rollback()
        refused = {"quick_typed": text, "quick_error": _message(error)}
        if _htmx():
            return _quick_box(project, view="list", **refused), 422
        return list_page(project_id, **refused), 422
    added = f"Task added: {_summary(task)}."
    if _htmx():
        box = _quick_box(project, view="list", quick_added=added, quick_task=task)
        return box, 201, {"HX-Trigger": "tm:task-added"}
    flash(added, "success")
    return redirect(back, 303)


def _message(error: ValidationFailed | Conflict) -> str:
    if isinstance(error, ValidationFailed) and error.details:
        return " ".join(str(text) for text in error.details.values())
    return error.message


def _quick_box(project: Any, **context: Any) -> str:
    me = membership()
    return render_template(
        "entry/_quick_add.html",
        project=project,
        can_write=can(me.role, Action.WRITE_TASKS),
        **context,
    )


def row(me: Membership, task: Task, **extra: Any) -> str:
    """One row of the task list, as the list page draws it (``extra``: an editor, a note)."""
    return render_template(
        "entry/_task_row.html",
        t=task,
        project=task.project,
        members=orgs.members(me.organization_id),
        statuses=list(Status),
        priorities=list(Priority),
        can_write=can(me.role, Action.WRITE_TASKS),
        attachment_counts=attachments.counts([task.id]),
        **extra,
    )


@workspace.get("/tasks/<int:task_id>/row")
def task_row(task_id: int) -> ResponseReturnValue:
    """The row as it is now: an edit cancelled, or a row brought up to date."""
    me = membership()
    found = tasks.get_task(me.organization_id, task_id)
    if not _htmx():
        return redirect(url_for("org.task", task_id=task_id), 303)
    return row(me, found)


@workspace.get("/tasks/<int:task_id>/cells/<cell>")
def task_cell(task_id: int, cell: str) -> ResponseReturnValue:
    """A row with one cell open for editing (htmx); a plain browser gets the task page."""
    if cell not in CELLS:
        raise NotFound()
    me = membership()
    found = tasks.get_task(me.organization_id, task_id)
    if not _htmx():
        return redirect(url_for("org.task", task_id=task_id), 303)
    return row(me, found, editing=cell)


def _inline_fields() -> dict[str, Any]:
    """The one field an inline edit sends, as TaskUpdate reads it."""
    form = request.form
    if "status" in form:
        return {"status": form["status"]}
    if "priority" in form:
        return {"priority": form["priority"]}
    if "assignee_id" in form:
        return {"assignee_id": int_or_none(form["assignee_id"])}
    if "due_date" in form:
        due = local_datetime(form["due_date"], form.get("due_time"), current_user.time_zone)
        return {"due_at": due}
    raise ValidationFailed(details={"field": "Change a status, priority, assignee or due date."})


@workspace.post("/tasks/<int:task_id>/inline")
def edit_cell(task_id: int) -> ResponseReturnValue:
    """Change one field from the list; a stale ``version`` is refused and said so."""
    me = membership()
    found = tasks.get_task(me.organization_id, task_id)
    version = int_or_none(request.form.get("version"))
    try:
        data = parse(TaskUpdate, _inline_fields())
        tasks.update_task(actor=me, task=found, data=data, expected_version=version)
    except (ValidationFailed, Conflict) as error:
        db.session.rollback()
        stale = isinstance(error, StaleVersion)
        note = (
            "Not saved: someone else changed this task a moment ago. "
            "The row now shows their change; make yours again if it still applies."
            if stale
            else f"Not saved: {_message(error)}"
        )
        if _htmx():
            fresh = tasks.get_task(me.organization_id, task_id)
            return row(me, fresh, note=note), 409 if stale else 422
        flash(note, "danger")
    else:
        if _htmx():
            return row(me, found, saved=True)
        flash("Task saved.", "success")
    back = url_for("org.project", project_id=found.project_id)
    return redirect(links.safe_target(request.form.get("back"), back), 303)
