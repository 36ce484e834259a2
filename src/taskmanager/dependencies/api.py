"""Dependencies through the API: a task's links both ways, link, unlink."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint

from taskmanager.api.bearer import bearer
from taskmanager.api.bearer import caller
from taskmanager.api.http import created
from taskmanager.api.http import responses
from taskmanager.dependencies import services
from taskmanager.dependencies.models import TaskDependency
from taskmanager.dependencies.schemas import DependenciesOut
from taskmanager.dependencies.schemas import DependencyCreate
from taskmanager.dependencies.schemas import DependencyOut
from taskmanager.orgs import services as orgs
from taskmanager.orgs.models import Membership
from taskmanager.tasks import services as tasks
from taskmanager.tasks.models import Status
from taskmanager.tasks.models import Task

bp = APIBlueprint("api_dependencies", __name__, url_prefix="/api/v1", tag="Dependencies")


def _task(task_id: int) -> tuple[Membership, Task]:
    return orgs.access_with(user=caller(), model=Task, object_id=task_id)


def _link(link_id: int) -> tuple[Membership, TaskDependency]:
    return orgs.access_with(user=caller(), model=TaskDependency, object_id=link_id)


@bp.get("/tasks/<int:task_id>/dependencies")
@bp.auth_required(bearer)
@bp.output(DependenciesOut)
@bp.doc(
    summary="What a task waits for and what waits for it",
    description="`blocked` is true while any task in `blocked_by` is not done.",
    responses=responses(404),
)
def get_dependencies(task_id: int) -> Any:
    task = _task(task_id)[1]
    waits_for = services.blocked_by(task)
    return DependenciesOut(
        blocked=any(link.blocker.status != Status.DONE for link in waits_for),
        blocked_by=[DependencyOut.model_validate(link) for link in waits_for],
        blocks=[DependencyOut.model_validate(link) for link in services.blocking(task)],
    )


@bp.post("/tasks/<int:task_id>/dependencies")
@bp.auth_required(bearer)
@bp.input(DependencyCreate, arg_name="data")
@bp.output(DependencyOut, status_code=201)
@bp.doc(
    summary="Link a task: blocked by another (`blocked_by`), or blocking one (`blocks`)",
    description="Send exactly one of the two, the other task's id: a task of the same "
    "organization, in any project (another organization's task is 404). A link that "
    "would close a loop is 409; its message names the loop (“A” blocks “B” blocks “A”) "
    "and `details.loop` lists the task ids. An existing link, a task linked to itself "
    "(400), or more than 50 links one way are refused too.",
    responses=responses(400, 403, 404, 409, 422, status=201, headers=["Location"]),
)
def add_dependency(task_id: int, data: DependencyCreate) -> Any:
    me, task = _task(task_id)
    other = tasks.get_task(me.organization_id, data.blocked_by or data.blocks or 0)
    if data.blocked_by:
        link = services.add_dependency(actor=me, blocker=other, blocked=task)
    else:
        link = services.add_dependency(actor=me, blocker=task, blocked=other)
    return DependencyOut.model_validate(link), 201, created(f"/api/v1/dependencies/{link.id}")


@bp.get("/dependencies/<int:link_id>")
@bp.auth_required(bearer)
@bp.output(DependencyOut)
@bp.doc(summary="One dependency link", responses=responses(404))
def get_dependency(link_id: int) -> Any:
    return DependencyOut.model_validate(_link(link_id)[1])


@bp.delete("/dependencies/<int:link_id>")
@bp.auth_required(bearer)
@bp.output({}, status_code=204)
@bp.doc(summary="Remove a dependency link", responses=responses(403, 404))
def remove_dependency(link_id: int) -> tuple[str, int]:
    me, link = _link(link_id)
    services.remove_dependency(actor=me, link=link)
    return "", 204
