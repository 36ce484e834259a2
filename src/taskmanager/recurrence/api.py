"""Recurrence through the API: make a task repeat by an RRULE, change it, stop it.

How a task repeats is shown in the task itself (TaskOut.recurrence); these answer
with the task, whose version (ETag) each change moves.
"""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint

from taskmanager.api.bearer import bearer
from taskmanager.api.bearer import caller
from taskmanager.api.http import if_match
from taskmanager.api.http import responses
from taskmanager.api.schemas import IfMatch
from taskmanager.api.tasks import task_response
from taskmanager.orgs import services as orgs
from taskmanager.recurrence import services
from taskmanager.recurrence.schemas import RecurrenceSet
from taskmanager.tasks import listing
from taskmanager.tasks.models import Task
from taskmanager.tasks.schemas import TaskOut

bp = APIBlueprint("api_recurrence", __name__, url_prefix="/api/v1", tag="Recurrence")


def _task(task_id: int) -> Any:
    return orgs.access_with(
        user=caller(), model=Task, object_id=task_id, options=listing.WITH_COUNTS
    )


@bp.put("/tasks/<int:task_id>/recurrence")
@bp.auth_required(bearer)
@bp.input(RecurrenceSet, arg_name="data")
@bp.input(IfMatch, location="headers", arg_name="condition")
@bp.output(TaskOut)
@bp.doc(
    summary="Make a task repeat, or change how it repeats",
    description="`rule` is an iCalendar RRULE value, expanded in `timezone` so a due time "
    "stays on the wall clock across daylight-saving changes. When the task is done, its "
    "next occurrence is added once (title, description, priority, assignee, labels and "
    "checklist copied; due at the rule's next time after both the done one's due date "
    "and now), and the rule moves to it. A task without a due date is given the rule's "
    "first day from today. A done task is 409; a rule outside the subset is 400 and says "
    "what works; a stale `If-Match` is 412.",
    responses=responses(400, 403, 404, 409, 412, 422, headers=["ETag"]),
)
def set_recurrence(task_id: int, data: RecurrenceSet, condition: IfMatch) -> Any:
    me, task = _task(task_id)
    services.set_recurrence(
        actor=me, task=task, data=data, expected_version=if_match(condition.if_match)
    )
    return task_response(task)


@bp.delete("/tasks/<int:task_id>/recurrence")
@bp.auth_required(bearer)
@bp.input(IfMatch, location="headers", arg_name="condition")
@bp.output(TaskOut)
@bp.doc(
    summary="Stop a task repeating",
    description="The task and its earlier occurrences stay as they are. A task that does "
    "not repeat is 404.",
    responses=responses(403, 404, 412, headers=["ETag"]),
)
def stop_recurrence(task_id: int, condition: IfMatch) -> Any:
    me, task = _task(task_id)
    services.stop_recurrence(actor=me, task=task, expected_version=if_match(condition.if_match))
    return task_response(task)
