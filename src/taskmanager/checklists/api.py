"""Checklists through the API: a task's checklist, add, change, delete, convert into a task."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint

from taskmanager.api.bearer import bearer
from taskmanager.api.bearer import caller
from taskmanager.api.http import created
from taskmanager.api.http import etag
from taskmanager.api.http import if_match
from taskmanager.api.http import responses
from taskmanager.api.schemas import IfMatch
from taskmanager.api.tasks import task_response
from taskmanager.checklists import services
from taskmanager.checklists.models import ChecklistItem
from taskmanager.checklists.schemas import ChecklistItemCreate
from taskmanager.checklists.schemas import ChecklistItemOut
from taskmanager.checklists.schemas import ChecklistItemUpdate
from taskmanager.checklists.schemas import ChecklistOut
from taskmanager.orgs import services as orgs
from taskmanager.orgs.models import Membership
from taskmanager.tasks.models import Task
from taskmanager.tasks.schemas import TaskOut

bp = APIBlueprint("api_checklists", __name__, url_prefix="/api/v1", tag="Checklists")


def _task(task_id: int) -> tuple[Membership, Task]:
    return orgs.access_with(user=caller(), model=Task, object_id=task_id)


def _item(item_id: int) -> tuple[Membership, ChecklistItem]:
    return orgs.access_with(user=caller(), model=ChecklistItem, object_id=item_id)


def _location(item: ChecklistItem) -> dict[str, str]:
    return created(f"/api/v1/checklist-items/{item.id}")


@bp.get("/tasks/<int:task_id>/checklist")
@bp.auth_required(bearer)
@bp.output(ChecklistOut)
@bp.doc(summary="A task's checklist, in order, with its progress", responses=responses(404))
def get_checklist(task_id: int) -> Any:
    items = services.items_of(_task(task_id)[1])
    return ChecklistOut(
        items=[ChecklistItemOut.model_validate(item) for item in items],
        done=sum(1 for item in items if item.done),
        total=len(items),
    )


@bp.post("/tasks/<int:task_id>/checklist")
@bp.auth_required(bearer)
@bp.input(ChecklistItemCreate, arg_name="data")
@bp.output(ChecklistItemOut, status_code=201)
@bp.doc(
    summary="Add a checklist item (members and up)",
    description="At the end of the checklist, or at `position` (0 first). A checklist "
    "holds at most 100 items: one more is 409. The assignee must be a member of the "
    "task's organization (400 otherwise).",
    responses=responses(400, 403, 404, 409, 422, status=201, headers=["ETag", "Location"]),
)
def add_item(task_id: int, data: ChecklistItemCreate) -> Any:
    me, task = _task(task_id)
    item = services.add_item(actor=me, task=task, data=data)
    return ChecklistItemOut.model_validate(item), 201, {**etag(item.version), **_location(item)}


@bp.get("/checklist-items/<int:item_id>")
@bp.auth_required(bearer)
@bp.output(ChecklistItemOut)
@bp.doc(
    summary="One checklist item (ETag: its version)", responses=responses(404, headers=["ETag"])
)
def get_item(item_id: int) -> Any:
    item = _item(item_id)[1]
    return ChecklistItemOut.model_validate(item), 200, etag(item.version)


@bp.patch("/checklist-items/<int:item_id>")
@bp.auth_required(bearer)
@bp.input(ChecklistItemUpdate, arg_name="data")
@bp.input(IfMatch, location="headers", arg_name="condition")
@bp.output(ChecklistItemOut)
@bp.doc(
    summary="Change a checklist item: tick (`done`), retitle, assign, date, move",
    description="Any subset of fields. `position` moves the item (0 first) and renumbers "
    "the others; null clears `assignee_id` or `due_on`. Send `If-Match` with the ETag "
    "you read: a stale one answers 412.",
    responses=responses(400, 403, 404, 412, 422, headers=["ETag"]),
)
def update_item(item_id: int, data: ChecklistItemUpdate, condition: IfMatch) -> Any:
    me, item = _item(item_id)
    expected = if_match(condition.if_match)
    services.update_item(actor=me, item=item, data=data, expected_version=expected)
    return ChecklistItemOut.model_validate(item), 200, etag(item.version)


@bp.delete("/checklist-items/<int:item_id>")
@bp.auth_required(bearer)
@bp.input(IfMatch, location="headers", arg_name="condition")
@bp.output({}, status_code=204)
@bp.doc(summary="Delete a checklist item", responses=responses(403, 404, 412))
def delete_item(item_id: int, condition: IfMatch) -> tuple[str, int]:
    me, item = _item(item_id)
    expected = if_match(condition.if_match)
    services.delete_item(actor=me, item=item, expected_version=expected)
    return "", 204


@bp.post("/checklist-items/<int:item_id>/convert")
@bp.auth_required(bearer)
@bp.output(TaskOut, status_code=201)
@bp.doc(
    summary="Convert a checklist item into a task of its own",
    description="The new task, in the same project, takes the item's title, assignee and "
    "due date (the end of that day in your time zone). The item stays and links to it "
    "(`converted_task_id`). Converting an item twice, or in an archived project, is 409.",
    responses=responses(403, 404, 409, status=201, headers=["ETag", "Location"]),
)
def convert_item(item_id: int) -> Any:
    me, item = _item(item_id)
    task = services.convert_item(actor=me, item=item)
    body, status, headers = task_response(task, 201)
    return body, status, {**headers, **created(f"/api/v1/tasks/{task.id}")}
