"""Saved view pages: the row of view links on a project, save, edit, delete; "My tasks"."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_security import auth_required
from flask_security import current_user
from werkzeug import Response

from taskmanager.errors import Conflict
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.orgs import services as orgs
from taskmanager.orgs.models import Membership
from taskmanager.orgs.workspace import membership
from taskmanager.orgs.workspace import workspace
from taskmanager.policy import Action
from taskmanager.policy import can
from taskmanager.projects import services as projects
from taskmanager.projects.models import Project
from taskmanager.savedviews import services
from taskmanager.savedviews.models import SavedView
from taskmanager.savedviews.schemas import SavedViewIn
from taskmanager.savedviews.schemas import SavedViewUpdate
from taskmanager.savedviews.schemas import ViewFilters
from taskmanager.savedviews.schemas import query_args
from taskmanager.savedviews.schemas import read_filters
from taskmanager.schemas import parse
from taskmanager.tasks.models import Status
from taskmanager.web import describe
from taskmanager.web import int_or_none

bp = Blueprint("views", __name__)
FILTER_FIELDS = tuple(ViewFilters.model_fields)
SORTS = [
    ("position", "Board order"), ("due_at", "Due date"), ("-created_at", "Newest"),
    ("priority", "Priority"), ("title", "Title"),
]  # fmt: skip


@workspace.app_template_global()
def saved_views_bar(me: Membership, project: Project, layout: str) -> dict[str, Any]:
    """What the row of view links on a project page shows (projects/_header.html)."""
    saved = services.list_views(actor=me, project=project)
    active_id = int_or_none(request.args.get("view"))
    active = next((view for view in saved if view.id == active_id), None)
    current: dict[str, Any] = {
        name: request.args[name] for name in FILTER_FIELDS if request.args.get(name)
    }
    return {
        "views": [(view, view_url(view)) for view in saved],
        "active": active,
        "problems": read_filters(active.filters)[1] if active else {},
        "can_change": active is not None and services.may_change(actor=me, view=active),
        "unfiltered": not current,
        "save_url": url_for("org.new_view", project_id=project.id, layout=layout, **current),
    }


def view_url(view: SavedView) -> str:
    """Where a view opens: its project's list or board with its filters."""
    args: dict[str, Any] = query_args(read_filters(view.filters)[0])
    endpoint = "org.board" if view.layout == "board" else "org.project"
    return url_for(endpoint, project_id=view.project_id, view=view.id, **args)


def _form() -> dict[str, Any]:
    form = request.form
    return {
        "name": form.get("name", ""),
        "shared": form.get("shared") == "1",
        "layout": form.get("layout") or "list",
        "filters": {name: form[name] for name in FILTER_FIELDS if form.get(name)},
    }


def _form_page(
    me: Membership, project: Project, *, saved: SavedView | None, values: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> str:  # fmt: skip
    return render_template(
        "savedviews/edit.html", org=me.organization, me=me, project=project, saved=saved,
        values=values, errors=errors or {}, members=orgs.members(me.organization_id),
        labels=projects.list_labels(me.organization_id), statuses=list(Status), sorts=SORTS,
        can_share=can(me.role, Action.SHARE_VIEWS),
    )  # fmt: skip


@workspace.get("/projects/<int:project_id>/views/new")
def new_view(project_id: int) -> str:
    """The save form, filled with the filters the list or board showed."""
    me = membership()
    project = projects.get_project(me.organization_id, project_id)
    filters, _ = read_filters({k: request.args[k] for k in FILTER_FIELDS if request.args.get(k)})
    values = {
        "name": "", "shared": False, "layout": request.args.get("layout", "list"),
        "filters": query_args(filters),
    }  # fmt: skip
    return _form_page(me, project, saved=None, values=values)


@workspace.post("/projects/<int:project_id>/views")
def create_view(project_id: int) -> ResponseReturnValue:
    me = membership()
    project = projects.get_project(me.organization_id, project_id)
    values = _form()
    try:
        saved = services.create_view(actor=me, project=project, data=parse(SavedViewIn, values))
    except ValidationFailed as error:
        db.session.rollback()
        return _form_page(me, project, saved=None, values=values, errors=error.details), 422
    flash(f"View “{saved.name}” saved.", "success")
    return redirect(view_url(saved), 303)


@workspace.get("/views/<int:view_id>/edit")
def edit_view(view_id: int) -> str:
    me = membership()
    saved = services.get_view(actor=me, view_id=view_id)
    values = {
        "name": saved.name, "shared": saved.shared, "layout": saved.layout,
        "filters": query_args(read_filters(saved.filters)[0]),
    }  # fmt: skip
    return _form_page(me, saved.project, saved=saved, values=values)


@workspace.post("/views/<int:view_id>/edit")
def update_view(view_id: int) -> ResponseReturnValue:
    me = membership()
    saved = services.get_view(actor=me, view_id=view_id)
    values = _form()
    version = int_or_none(request.form.get("version"))
    try:
        data = parse(SavedViewUpdate, values)
        services.update_view(actor=me, view=saved, data=data, expected_version=version)
    except ValidationFailed as error:
        db.session.rollback()
        return _form_page(me, saved.project, saved=saved, values=values, errors=error.details), 422
    except Conflict as error:
        flash(describe(error), "danger")
        return redirect(url_for("org.edit_view", view_id=view_id), 303)
    flash(f"View “{saved.name}” saved.", "success")
    return redirect(view_url(saved), 303)


@workspace.post("/views/<int:view_id>/delete")
def delete_view(view_id: int) -> Response:
    me = membership()
    saved = services.get_view(actor=me, view_id=view_id)
    project_id, name = saved.project_id, saved.name
    services.delete_view(actor=me, view=saved)
    flash(f"View “{name}” deleted.", "success")
    return redirect(url_for("org.project", project_id=project_id), 303)


@bp.get("/my-tasks")
@auth_required("session")
def my_tasks() -> str:
    """The built-in view: my open tasks in every organization, soonest due first."""
    memberships = orgs.enter_all(user=current_user)
    page = services.my_tasks(
        user=current_user, memberships=memberships,
        page=int_or_none(request.args.get("page")) or 1,
    )  # fmt: skip
    return render_template(
        "savedviews/my_tasks.html", page=page,
        orgs_by_id={m.organization_id: m.organization for m in memberships},
    )  # fmt: skip
