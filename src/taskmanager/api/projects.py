"""Projects of an organization, and the tasks of one project."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint

from taskmanager.api import schemas
from taskmanager.api.bearer import bearer
from taskmanager.api.bearer import caller
from taskmanager.api.http import created
from taskmanager.api.http import etag
from taskmanager.api.http import if_match
from taskmanager.api.http import precondition
from taskmanager.api.http import read_cursor
from taskmanager.api.http import responses
from taskmanager.api.http import slice_of
from taskmanager.api.tasks import filters_from
from taskmanager.api.tasks import task_page
from taskmanager.api.tasks import task_response
from taskmanager.orgs import services as orgs
from taskmanager.orgs.models import Membership
from taskmanager.projects import services
from taskmanager.projects.models import Project
from taskmanager.tasks import services as tasks
from taskmanager.tasks.schemas import TaskCreate

bp = APIBlueprint("api_projects", __name__, url_prefix="/api/v1", tag="Projects")


def _project(project_id: int) -> tuple[Membership, Project]:
    me = orgs.access_for(user=caller(), model=Project, object_id=project_id)
    return me, services.get_project(me.organization_id, project_id)


def project_response(
    project: Project, status: int = 200
) -> tuple[schemas.ProjectOut, int, dict[str, str]]:
    return schemas.ProjectOut.model_validate(project), status, etag(project.version)


@bp.get("/orgs/<int:org_id>/projects")
@bp.auth_required(bearer)
@bp.input(schemas.ProjectQuery, location="query", arg_name="query")
@bp.output(schemas.ProjectPage)
@bp.doc(summary="The organization's projects", responses=responses(404, headers=["Link"]))
def list_projects(org_id: int, query: schemas.ProjectQuery) -> Any:
    me = orgs.access(user=caller(), org_id=org_id)
    found = services.list_projects(me.organization_id, include_archived=query.include_archived)
    items = [schemas.ProjectOut.model_validate(p) for p in found]
    return slice_of(items, page=query.page, per_page=query.per_page)


@bp.post("/orgs/<int:org_id>/projects")
@bp.auth_required(bearer)
@bp.input(schemas.ProjectIn, arg_name="data")
@bp.output(schemas.ProjectOut, status_code=201)
@bp.doc(
    summary="Create a project (admins and owners)",
    responses=responses(402, 403, 404, status=201, headers=["ETag", "Location"]),
)
def create_project(org_id: int, data: schemas.ProjectIn) -> Any:
    me = orgs.access(user=caller(), org_id=org_id)
    project = services.create_project(actor=me, name=data.name, description=data.description)
    body, _, headers = project_response(project, 201)
    return body, 201, {**headers, **created(f"/api/v1/projects/{project.id}")}


@bp.get("/projects/<int:project_id>")
@bp.auth_required(bearer)
@bp.output(schemas.ProjectOut)
@bp.doc(summary="One project (ETag: its version)", responses=responses(404, headers=["ETag"]))
def get_project(project_id: int) -> Any:
    return project_response(_project(project_id)[1])


@bp.patch("/projects/<int:project_id>")
@bp.auth_required(bearer)
@bp.input(schemas.ProjectUpdate, arg_name="data")
@bp.input(schemas.IfMatch, location="headers", arg_name="condition")
@bp.output(schemas.ProjectOut)
@bp.doc(
    summary="Rename, describe, archive or unarchive",
    description="Send `If-Match` with the ETag you read: a stale one answers 412.",
    responses=responses(402, 403, 404, 412, headers=["ETag"]),
)
def update_project(project_id: int, data: schemas.ProjectUpdate, condition: schemas.IfMatch) -> Any:
    me, project = _project(project_id)
    expected = if_match(condition.if_match)
    with precondition():
        services.update_project(
            actor=me, project=project, name=data.name, description=data.description,
            archived=data.archived, expected_version=expected,
        )  # fmt: skip
    return project_response(project)


@bp.delete("/projects/<int:project_id>")
@bp.auth_required(bearer)
@bp.input(schemas.IfMatch, location="headers", arg_name="condition")
@bp.output({}, status_code=204)
@bp.doc(summary="Delete a project and its tasks", responses=responses(403, 404, 412))
def delete_project(project_id: int, condition: schemas.IfMatch) -> tuple[str, int]:
    me, project = _project(project_id)
    expected = if_match(condition.if_match)
    with precondition():
        services.delete_project(actor=me, project=project, expected_version=expected)
    return "", 204


@bp.get("/projects/<int:project_id>/tasks")
@bp.auth_required(bearer)
@bp.input(schemas.ProjectTaskQuery, location="query", arg_name="query")
@bp.output(schemas.TaskPage)
@bp.doc(
    summary="A project's tasks, filtered and sorted",
    description="Pages by `page` or by `cursor`, as `GET /tasks` does.",
    responses=responses(404, headers=["Link"]),
)
def list_tasks(project_id: int, query: schemas.ProjectTaskQuery) -> Any:
    project = _project(project_id)[1]
    page = tasks.list_tasks(
        project=project,
        filters=filters_from(query, caller()),
        page=query.page,
        per_page=query.per_page,
        after=read_cursor(query),
    )
    return task_page(page, query)


@bp.post("/projects/<int:project_id>/tasks")
@bp.auth_required(bearer)
@bp.input(TaskCreate, arg_name="data")
@bp.output(schemas.TaskOut, status_code=201)
@bp.doc(
    summary="Create a task",
    responses=responses(403, 404, 409, status=201, headers=["ETag", "Location"]),
)
def create_task(project_id: int, data: TaskCreate) -> Any:
    me, project = _project(project_id)
    task = tasks.create_task(actor=me, project=project, data=data)
    body, _, headers = task_response(task, 201)
    return body, 201, {**headers, **created(f"/api/v1/tasks/{task.id}")}
