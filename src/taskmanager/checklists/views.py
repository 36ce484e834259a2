"""Checklist forms on the task page: add, edit, tick, move, delete, convert into a task.

Each is a plain form post answered with a redirect back to the checklist; htmx (the
section is boosted) swaps only the checklist in. A refused form shows the task page
again, 422, with what was typed and the reason next to the checklist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from werkzeug import Response

from taskmanager.checklists import services
from taskmanager.checklists.models import ChecklistItem
from taskmanager.checklists.schemas import ChecklistItemCreate
from taskmanager.checklists.schemas import ChecklistItemUpdate
from taskmanager.errors import Conflict
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.orgs.workspace import membership
from taskmanager.orgs.workspace import workspace
from taskmanager.schemas import parse
from taskmanager.tasks import services as tasks
from taskmanager.tasks.models import Task
from taskmanager.tasks.views import task_page
from taskmanager.web import describe
from taskmanager.web import int_or_none


def _item_form() -> dict[str, Any]:
    """The item form's fields as the schema expects them (empty ones cleared)."""
    form = request.form
    data: dict[str, Any] = {}
    if "title" in form:
        data["title"] = form["title"]
    if "assignee_id" in form:
        data["assignee_id"] = int_or_none(form["assignee_id"])
    if "due_on" in form:
        data["due_on"] = form["due_on"] or None
    return data


def _back(task_id: int) -> Response:
    return redirect(url_for("org.task", task_id=task_id) + "#checklist", 303)


def _refused(task: Task, error: ValidationFailed | Conflict, **typed: Any) -> tuple[str, int]:
    """The task page again with the checklist's problem shown in it, as typed."""
    db.session.rollback()
    me = membership()
    page = task_page(
        me, tasks.get_task(me.organization_id, task.id), checklist_error=describe(error),
        checklist_errors=error.details or {}, **typed,
    )  # fmt: skip
    return page, 422


def _change(item: ChecklistItem, action: Callable[[], Any], success: str) -> ResponseReturnValue:
    task_id = item.task_id
    try:
        action()
    except (ValidationFailed, Conflict) as error:
        return _refused(item.task, error, checklist_typed=request.form, checklist_editing=item.id)
    flash(success, "success")
    return _back(task_id)


@workspace.post("/tasks/<int:task_id>/checklist")
def add_item(task_id: int) -> ResponseReturnValue:
    me = membership()
    task = tasks.get_task(me.organization_id, task_id)
    try:
        data = parse(ChecklistItemCreate, _item_form())
        services.add_item(actor=me, task=task, data=data)
    except (ValidationFailed, Conflict) as error:
        return _refused(task, error, checklist_typed=request.form)
    flash("Checklist item added.", "success")
    return _back(task_id)


def _item(item_id: int) -> ChecklistItem:
    return services.get_item(membership().organization_id, item_id)


@workspace.post("/checklist/<int:item_id>")
def edit_item(item_id: int) -> ResponseReturnValue:
    item = _item(item_id)
    return _change(
        item,
        lambda: services.update_item(
            actor=membership(),
            item=item,
            data=parse(ChecklistItemUpdate, _item_form()),
            expected_version=int_or_none(request.form.get("version")),
        ),
        "Checklist item saved.",
    )


@workspace.post("/checklist/<int:item_id>/tick")
def tick_item(item_id: int) -> ResponseReturnValue:
    """Tick (``done=1``) or untick (``done=0``) an item."""
    item = _item(item_id)
    done = request.form.get("done", "1") == "1"
    return _change(
        item,
        lambda: services.update_item(
            actor=membership(), item=item, data=ChecklistItemUpdate(done=done)
        ),
        "Ticked off." if done else "Unticked.",
    )


@workspace.post("/checklist/<int:item_id>/move")
def move_item(item_id: int) -> ResponseReturnValue:
    """Move an item: ``direction`` up or down, or to ``position`` (0 first)."""
    item = _item(item_id)
    direction = request.form.get("direction")
    if direction in ("up", "down"):
        position: Any = max(0, item.position + (-1 if direction == "up" else 1))
    else:
        position = int_or_none(request.form.get("position"))
    return _change(
        item,
        lambda: services.update_item(
            actor=membership(),
            item=item,
            data=parse(ChecklistItemUpdate, {"position": position}),
        ),
        "Checklist reordered.",
    )


@workspace.post("/checklist/<int:item_id>/delete")
def delete_item(item_id: int) -> Response:
    item = _item(item_id)
    task_id, title = item.task_id, item.title
    services.delete_item(actor=membership(), item=item)
    flash(f"Removed “{title}” from the checklist.", "success")
    return _back(task_id)


@workspace.post("/checklist/<int:item_id>/convert")
def convert_item(item_id: int) -> ResponseReturnValue:
    item = _item(item_id)
    try:
        created = services.convert_item(actor=membership(), item=item)
    except (ValidationFailed, Conflict) as error:
        return _refused(item.task, error)
    flash(f"“{created.title}” is now a task of its own.", "success")
    return _back(item.task_id)
