"""Project pages: the list view (filters, sort, pages) and the board view."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_security import current_user
from werkzeug import Response

from taskmanager.errors import Conflict
from taskmanager.errors import PlanLimitReached
from taskmanager.errors import ValidationFailed
from taskmanager.orgs import services as orgs
from taskmanager.orgs.workspace import membership
from taskmanager.orgs.workspace import workspace
from taskmanager.policy import Action
from taskmanager.policy import can
from taskmanager.projects import services
from taskmanager.tasks import services as tasks
from taskmanager.tasks.models import Priority
from taskmanager.tasks.models import Status
from taskmanager.web import describe
from taskmanager.web import form_action
from taskmanager.web import int_or_none
from taskmanager.web import local_datetime

PER_PAGE = 25


@workspace.post("/projects")
def create_project() -> Response:
    me = membership()
    try:
        project = services.create_project(
            actor=me,
            name=request.form.get("name", ""),
            description=request.form.get("description", ""),
        )
    except (ValidationFailed, PlanLimitReached) as error:
        flash(describe(error), "danger")
        return redirect(url_for("org.home"), 303)
    flash(f"Project {project.name} created.", "success")
    return redirect(url_for("org.project", project_id=project.id), 303)


def _filters() -> tasks.TaskFilters:
    args = request.args
    zone = current_user.time_zone
    filters = tasks.TaskFilters(
        status=args.get("status") if args.get("status") in set(Status) else None,
        assignee_id=int_or_none(args.get("assignee")),
        label_id=int_or_none(args.get("label")),
        text=args.get("q") or None,
        sort=args.get("sort", "position"),
    )
    try:
        filters.due_after = local_datetime(args.get("due_after"), "00:00", zone)
        before = local_datetime(args.get("due_before"), "00:00", zone)
        filters.due_before = before + timedelta(days=1) if before else None
    except ValidationFailed:
        filters.errors["due"] = "Use dates like 2026-05-31 for the due range."
    return filters


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
        "filters": _filters(),
    }


@workspace.get("/projects/<int:project_id>")
def project(project_id: int) -> str:
    context = _context(project_id)
    page = int_or_none(request.args.get("page")) or 1
    listing = tasks.list_tasks(
        project=context["project"],
        filters=context["filters"],
        page=page,
        per_page=int_or_none(request.args.get("per_page")) or PER_PAGE,
    )
    return render_template("projects/list.html", page=listing, view="list", **context)


@workspace.get("/projects/<int:project_id>/board")
def board(project_id: int) -> str:
    context = _context(project_id)
    columns = tasks.board(project=context["project"], filters=context["filters"])
    return render_template("projects/board.html", columns=columns, view="board", **context)


@workspace.post("/projects/<int:project_id>/edit")
def edit_project(project_id: int) -> Response:
    me = membership()
    target = services.get_project(me.organization_id, project_id)
    name, description = request.form.get("name"), request.form.get("description")
    version = int_or_none(request.form.get("version"))
    return form_action(
        lambda: services.update_project(
            actor=me,
            project=target,
            name=name,
            description=description,
            expected_version=version,
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
            actor=me, project=target, archived=archive, expected_version=version
        ),
        success="Project archived." if archive else "Project restored.",
        back=url_for("org.home"),
    )


@workspace.post("/projects/<int:project_id>/delete")
def delete_project(project_id: int) -> Response:
    me = membership()
    target = services.get_project(me.organization_id, project_id)
    try:
        if request.form.get("confirm", "").strip() != target.name:
            raise ValidationFailed(f'Type the project name "{target.name}" to confirm.')
        services.delete_project(actor=me, project=target)
    except (ValidationFailed, Conflict) as error:
        flash(describe(error), "danger")
        return redirect(url_for("org.project", project_id=project_id), 303)
    flash(f"Project {target.name} deleted.", "success")
    return redirect(url_for("org.home"), 303)
