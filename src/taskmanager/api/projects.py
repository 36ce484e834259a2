"""Projects of an organization, and the tasks of one project."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask.typing import ResponseReturnValue

from taskmanager import conditional
from taskmanager.api.bearer import bearer
from taskmanager.api.bearer import who
from taskmanager.api.http import created
from taskmanager.api.http import etag
from taskmanager.api.http import if_match
from taskmanager.api.http import paged
from taskmanager.api.http import read_cursor
from taskmanager.api.http import responses
from taskmanager.api.schemas import IfMatch
from taskmanager.api.tasks import task_page
from taskmanager.api.tasks import task_response
from taskmanager.db import loaded_after_commit
from taskmanager.extensions import db
from taskmanager.orgs import services as orgs
from taskmanager.orgs.models import Membership
from taskmanager.projects import services
from taskmanager.projects.models import Project
from taskmanager.projects.schemas import ProjectDelete
from taskmanager.projects.schemas import ProjectIn
from taskmanager.projects.schemas import ProjectOut
from taskmanager.projects.schemas import ProjectQuery
from taskmanager.projects.schemas import ProjectUpdate
from taskmanager.schemas import Page
from taskmanager.tasks import listing
from taskmanager.tasks import services as tasks
from taskmanager.tasks.schemas import ProjectTaskQuery
from taskmanager.tasks.schemas import TaskCreate
from taskmanager.tasks.schemas import TaskOut
from taskmanager.tasks.schemas import TaskPage

bp = APIBlueprint("api_projects", __name__, url_prefix="/api/v1", tag="Projects")


def _project(project_id: int) -> tuple[Membership, Project]:
    return orgs.access_with(user=who(), model=Project, object_id=project_id)


def project_response(project: Project, status: int = 200) -> tuple[ProjectOut, int, dict[str, str]]:
    return ProjectOut.model_validate(project), status, etag(project.version)


@bp.get("/orgs/<int:org_id>/projects")
@bp.auth_required(bearer)
@bp.input(ProjectQuery, location="query", arg_name="query")
@bp.output(Page[ProjectOut])
@bp.doc(summary="The organization's projects", responses=responses(404, headers=["Link"]))
def list_projects(org_id: int, query: ProjectQuery) -> ResponseReturnValue:
    me = orgs.access(user=who(), org_id=org_id)
    return paged(
        services.projects_query(me.organization_id, include_archived=query.include_archived),
        page=query.page, per_page=query.per_page, out=ProjectOut.model_validate,
    )  # fmt: skip


@bp.post("/orgs/<int:org_id>/projects")
@bp.auth_required(bearer)
@bp.input(ProjectIn, arg_name="data")
@bp.output(ProjectOut, status_code=201)
@bp.doc(
    summary="Create a project (admins and owners)",
    responses=responses(402, 403, 404, status=201, headers=["ETag", "Location"]),
)
def create_project(org_id: int, data: ProjectIn) -> Any:
    me = orgs.access(user=who(), org_id=org_id)
    project = services.create_project(actor=me, data=data)
    body, _, headers = project_response(project, 201)
    return body, 201, {**headers, **created(f"/api/v1/projects/{project.id}")}


@bp.get("/projects/<int:project_id>")
@bp.auth_required(bearer)
@bp.output(ProjectOut)
@bp.doc(summary="One project (ETag: its version)", responses=responses(404, headers=["ETag"]))
def get_project(project_id: int) -> Any:
    return project_response(_project(project_id)[1])


@bp.patch("/projects/<int:project_id>")
@bp.auth_required(bearer)
@bp.input(ProjectUpdate, arg_name="data")
@bp.input(IfMatch, location="headers", arg_name="condition")
@bp.output(ProjectOut)
@bp.doc(
    summary="Rename, describe, archive or unarchive",
    description="Send `If-Match` with the ETag you read: a stale one answers 412.",
    responses=responses(402, 403, 404, 412, headers=["ETag"]),
)
def update_project(project_id: int, data: ProjectUpdate, condition: IfMatch) -> Any:
    me, project = _project(project_id)
    expected = if_match(condition.if_match)
    services.update_project(actor=me, project=project, data=data, expected_version=expected)
    return project_response(project)


@bp.delete("/projects/<int:project_id>")
@bp.auth_required(bearer)
@bp.input(ProjectDelete, arg_name="data")
@bp.input(IfMatch, location="headers", arg_name="condition")
@bp.output({}, status_code=204)
@bp.doc(
    summary="Delete a project and its tasks (confirm with its name)",
    description="Send the project's name as `confirm`, as the page asks for it typed back; "
    "another value is 422.",
    responses=responses(403, 404, 412, 422),
)
def delete_project(project_id: int, data: ProjectDelete, condition: IfMatch) -> tuple[str, int]:
    me, project = _project(project_id)
    expected = if_match(condition.if_match)
    services.delete_project(actor=me, project=project, data=data, expected_version=expected)
    return "", 204


@bp.get("/projects/<int:project_id>/tasks")
@bp.auth_required(bearer)
@bp.input(ProjectTaskQuery, location="query", arg_name="query")
@bp.output(TaskPage)
@bp.doc(
    summary="A project's tasks, filtered and sorted",
    description="Pages by `page` or by `cursor`, as `GET /tasks` does. Send "
    "`If-None-Match` with the ETag you read (a digest of the page): while the page is the "
    "same the answer is 304 with no body.",
    responses=responses(304, 404, 422, headers=["Link", "ETag"]),
)
def list_tasks(project_id: int, query: ProjectTaskQuery) -> ResponseReturnValue:
    project = _project(project_id)[1]
    conditional.etag_by_digest()
    page = listing.list_tasks(
        project=project,
        filters=listing.filters_from(query, user=who()),
        page=query.page,
        per_page=query.per_page,
        after=read_cursor(query),
        rows=True,
    )
    return task_page(page, query)


@bp.post("/projects/<int:project_id>/tasks")
@bp.auth_required(bearer)
@bp.input(TaskCreate, arg_name="data")
@bp.output(TaskOut, status_code=201)
@bp.doc(
    summary="Create a task",
    responses=responses(403, 404, 409, 422, status=201, headers=["ETag", "Location"]),
)
def create_task(project_id: int, data: TaskCreate) -> Any:
    me, project = _project(project_id)
    with loaded_after_commit(db.session()):
        task = tasks.create_task(actor=me, project=project, data=data)
    body, _, headers = task_response(task, 201)
    return body, 201, {**headers, **created(f"/api/v1/tasks/{task.id}")}
