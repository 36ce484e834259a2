"""Project pages: the list view (filters, sort, pages) and the board view."""

from __future__ import annotations

from typing import Any

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_security import current_user
from werkzeug import Response

from taskmanager.attachments import services as attachments
from taskmanager.errors import Conflict
from taskmanager.errors import PlanLimitReached
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.orgs import services as orgs
from taskmanager.orgs.views import home_page
from taskmanager.orgs.workspace import membership
from taskmanager.orgs.workspace import workspace
from taskmanager.policy import Action
from taskmanager.policy import can
from taskmanager.projects import services
from taskmanager.projects.schemas import ProjectDelete
from taskmanager.projects.schemas import ProjectIn
from taskmanager.projects.schemas import ProjectUpdate
from taskmanager.schemas import parse
from taskmanager.tasks import listing
from taskmanager.tasks.models import Priority
from taskmanager.tasks.models import Status
from taskmanager.web import describe
from taskmanager.web import form_action
from taskmanager.web import form_fields
from taskmanager.web import int_or_none

PER_PAGE = 25


@workspace.post("/projects")
def create_project() -> ResponseReturnValue:
    me = membership()
    try:
        data = parse(ProjectIn, form_fields("name", "description", empty=""))
        project = services.create_project(actor=me, data=data)
    except ValidationFailed as error:
        # The home page again, the form as typed: a long description is not lost.
        db.session.rollback()
        page = home_page(me, form="project", typed=request.form, errors=error.details or {})
        return page, 422
    except PlanLimitReached as error:
        flash(describe(error), "danger")
        return redirect(url_for("org.home"), 303)
    flash(f"Project {project.name} created.", "success")
    return redirect(url_for("org.project", project_id=project.id), 303)


def _context(project_id: int) -> dict[str, Any]:
    me = membership()
    project = services.get_project(me.organization_id, project_id)
    return {
        "org": me.organization,
        "me": me,
        "project": project,
        "members": orgs.members(me.organization_id),
        "labels": services.list_labels(me.organization_id),
        "statuses": list(Status),
        "priorities": list(Priority),
        "can_write": can(me.role, Action.WRITE_TASKS),
        "can_manage": can(me.role, Action.MANAGE_PROJECTS),
        "filters": listing.filters_from_args(request.args, user=current_user),
    }


@workspace.get("/projects/<int:project_id>")
def project(project_id: int) -> str:
    return list_page(project_id)


def list_page(project_id: int, **refused: Any) -> str:
    """The list page; ``refused`` carries a refused new-task form's values and messages."""
    context = {**_context(project_id), **refused}
    page = int_or_none(request.args.get("page")) or 1
    found = listing.list_tasks(
        project=context["project"],
        filters=context["filters"],
        page=page,
        per_page=int_or_none(request.args.get("per_page")) or PER_PAGE,
        marks=True,
    )
    files = attachments.counts(task.id for task in found.items)
    return render_template(
        "projects/list.html", page=found, view="list", attachment_counts=files, **context
    )


@workspace.post("/projects/<int:project_id>/edit")
def edit_project(project_id: int) -> Response:
    me = membership()
    target = services.get_project(me.organization_id, project_id)
    sent = form_fields("name", "description", empty="")
    version = int_or_none(request.form.get("version"))
    return form_action(
        lambda: services.update_project(
            actor=me, project=target, data=parse(ProjectUpdate, sent), expected_version=version
        ),
        success="Project saved.",
        back=url_for("org.project", project_id=project_id),
    )


@workspace.post("/projects/<int:project_id>/archive")
def archive_project(project_id: int) -> Response:
    me = membership()
    target = services.get_project(me.organization_id, project_id)
    archive = request.form.get("archived", "1") == "1"
    version = int_or_none(request.form.get("version"))
    return form_action(
        lambda: services.update_project(
            actor=me, project=target, data=ProjectUpdate(archived=archive), expected_version=version
        ),
        success="Project archived." if archive else "Project restored.",
        back=url_for("org.home"),
    )


@workspace.post("/projects/<int:project_id>/delete")
def delete_project(project_id: int) -> Response:
    me = membership()
    target = services.get_project(me.organization_id, project_id)
    try:
        data = parse(ProjectDelete, {"confirm": request.form.get("confirm", "")})
        services.delete_project(actor=me, project=target, data=data)
    except (ValidationFailed, Conflict) as error:
        flash(describe(error), "danger")
        return redirect(url_for("org.project", project_id=project_id), 303)
    flash(f"Project {target.name} deleted.", "success")
    return redirect(url_for("org.home"), 303)
