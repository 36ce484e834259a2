"""Saved views through the API: list and create under a project; read, change, delete;
and the built-in "My tasks"."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask.typing import ResponseReturnValue

from taskmanager.api.bearer import bearer
from taskmanager.api.bearer import caller
from taskmanager.api.bearer import who
from taskmanager.api.http import created
from taskmanager.api.http import etag
from taskmanager.api.http import if_match
from taskmanager.api.http import page_of
from taskmanager.api.http import responses
from taskmanager.api.schemas import IfMatch
from taskmanager.api.tasks import tasks_out
from taskmanager.db import loaded_after_commit
from taskmanager.extensions import db
from taskmanager.orgs import services as orgs
from taskmanager.orgs.models import Membership
from taskmanager.projects.models import Project
from taskmanager.savedviews import services
from taskmanager.savedviews.models import SavedView
from taskmanager.savedviews.schemas import SavedViewIn
from taskmanager.savedviews.schemas import SavedViewList
from taskmanager.savedviews.schemas import SavedViewOut
from taskmanager.savedviews.schemas import SavedViewUpdate
from taskmanager.savedviews.schemas import read_filters
from taskmanager.schemas import PageQuery
from taskmanager.tasks.schemas import TaskPage

bp = APIBlueprint("api_views", __name__, url_prefix="/api/v1", tag="Saved views")


def view_out(view: SavedView) -> SavedViewOut:
    """A view as the API shows it: its filters read leniently, as the pages read them."""
    return SavedViewOut.model_validate(
        {
            "id": view.id, "organization_id": view.organization_id,
            "project_id": view.project_id, "owner": view.owner, "name": view.name,
            "shared": view.shared, "layout": view.layout,
            "filters": read_filters(view.filters)[0], "created_at": view.created_at,
            "updated_at": view.updated_at, "version": view.version,
        }
    )  # fmt: skip


def _view(view_id: int) -> tuple[Membership, SavedView]:
    me = orgs.access_for(user=caller(), model=SavedView, object_id=view_id)
    return me, services.get_view(actor=me, view_id=view_id)


@bp.get("/projects/<int:project_id>/views")
@bp.auth_required(bearer)
@bp.output(SavedViewList)
@bp.doc(summary="A project's saved views I see: mine and the shared ones", responses=responses(404))
def list_views(project_id: int) -> Any:
    me, project = orgs.access_with(user=who(), model=Project, object_id=project_id)
    return {"items": [view_out(view) for view in services.list_views(actor=me, project=project)]}


@bp.post("/projects/<int:project_id>/views")
@bp.auth_required(bearer)
@bp.input(SavedViewIn, arg_name="data")
@bp.output(SavedViewOut, status_code=201)
@bp.doc(
    summary="Save a view of a project (shared: members and up)",
    responses=responses(403, 404, 422, status=201, headers=["ETag", "Location"]),
)
def create_view(project_id: int, data: SavedViewIn) -> Any:
    me, project = orgs.access_with(user=caller(), model=Project, object_id=project_id)
    with loaded_after_commit(db.session()):
        view = services.create_view(actor=me, project=project, data=data)
    headers = {**etag(view.version), **created(f"/api/v1/views/{view.id}")}
    return view_out(view), 201, headers


@bp.get("/views/<int:view_id>")
@bp.auth_required(bearer)
@bp.output(SavedViewOut)
@bp.doc(summary="One saved view (ETag: its version)", responses=responses(404, headers=["ETag"]))
def get_view(view_id: int) -> Any:
    view = _view(view_id)[1]
    return view_out(view), 200, etag(view.version)


@bp.patch("/views/<int:view_id>")
@bp.auth_required(bearer)
@bp.input(SavedViewUpdate, arg_name="data")
@bp.input(IfMatch, location="headers", arg_name="condition")
@bp.output(SavedViewOut)
@bp.doc(
    summary="Rename, share or unshare, or replace the filters of my view",
    description="Only the person who saved a view changes it. Send `If-Match` with the "
    "ETag you read: a stale one answers 412.",
    responses=responses(403, 404, 412, headers=["ETag"]),
)
def update_view(view_id: int, data: SavedViewUpdate, condition: IfMatch) -> Any:
    me, view = _view(view_id)
    expected = if_match(condition.if_match)
    with loaded_after_commit(db.session()):
        services.update_view(actor=me, view=view, data=data, expected_version=expected)
    return view_out(view), 200, etag(view.version)


@bp.delete("/views/<int:view_id>")
@bp.auth_required(bearer)
@bp.output({}, status_code=204)
@bp.doc(
    summary="Delete my view (admins and owners also delete shared ones)",
    responses=responses(403, 404),
)
def delete_view(view_id: int) -> tuple[str, int]:
    me, view = _view(view_id)
    services.delete_view(actor=me, view=view)
    return "", 204


@bp.get("/my-tasks")
@bp.auth_required(bearer)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(TaskPage)
@bp.doc(
    summary="My tasks: open tasks assigned to me in every organization, soonest due first",
    description="The built-in view; tasks without a due date come last.",
    responses=responses(headers=["Link"]),
)
def my_tasks(query: PageQuery) -> ResponseReturnValue:
    user = who()
    page = services.my_tasks(
        user=user, memberships=orgs.enter_all(user=user), page=query.page,
        per_page=query.per_page,
    )  # fmt: skip
    body, status, headers = page_of(
        tasks_out(page.items), total=page.total, page=query.page, per_page=page.per_page
    )
    body["next_cursor"] = None
    body["total_exact"] = page.total_exact
    return body, status, headers
