"""Task pages: create, the task page (edit, comments, history), move, delete."""

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

from taskmanager import links
from taskmanager.activity import services as activity
from taskmanager.attachments import views as attachments
from taskmanager.board import views as board
from taskmanager.checklists import panel as checklist
from taskmanager.dependencies import panel as dependencies
from taskmanager.errors import Conflict
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.notifications import watchers
from taskmanager.orgs import services as orgs
from taskmanager.orgs.models import Membership
from taskmanager.orgs.workspace import membership
from taskmanager.orgs.workspace import workspace
from taskmanager.policy import Action
from taskmanager.policy import can
from taskmanager.projects import services as projects
from taskmanager.projects.views import list_page
from taskmanager.recurrence import panel as recurrence
from taskmanager.schemas import parse
from taskmanager.tasks import comments
from taskmanager.tasks import services
from taskmanager.tasks.models import Priority
from taskmanager.tasks.models import Status
from taskmanager.tasks.models import Task
from taskmanager.tasks.schemas import CommentFields
from taskmanager.tasks.schemas import TaskCreate
from taskmanager.tasks.schemas import TaskUpdate
from taskmanager.web import describe
from taskmanager.web import form_action
from taskmanager.web import int_or_none
from taskmanager.web import local_datetime


def _task_form() -> dict[str, Any]:
    """The task form's fields as the schema expects them; due date read in the user's zone."""
    form = request.form
    data: dict[str, Any] = {}
    for name in ("title", "description", "status", "priority"):
        if name in form:
            data[name] = form[name]
    if "due_date" in form:
        data["due_at"] = local_datetime(
            form["due_date"], form.get("due_time"), current_user.time_zone
        )
    if "assignee_id" in form:
        data["assignee_id"] = int_or_none(form["assignee_id"])
    if "labels_sent" in form:
        chosen = [int_or_none(value) for value in form.getlist("label_ids")]
        data["label_ids"] = [label_id for label_id in chosen if label_id is not None]
    return data


@workspace.post("/projects/<int:project_id>/tasks")
def create_task(project_id: int) -> ResponseReturnValue:
    me = membership()
    project = projects.get_project(me.organization_id, project_id)
    back = links.safe_target(
        request.form.get("back"), url_for("org.project", project_id=project_id)
    )
    try:
        services.create_task(actor=me, project=project, data=parse(TaskCreate, _task_form()))
    except ValidationFailed as error:
        # The list page again, the form as typed: nothing is lost to one bad field.
        db.session.rollback()
        return list_page(project_id, typed=request.form, errors=error.details or {}), 422
    except Conflict as error:
        flash(describe(error), "danger")
    else:
        flash("Task added.", "success")
    return redirect(back, 303)


def task_page(me: Membership, found: Task, **refused: Any) -> str:
    """The task page; ``refused`` carries a refused form's typed values and messages."""
    return render_template(
        "tasks/task.html",
        org=me.organization,
        me=me,
        task=found,
        comments=comments.list_comments(found),
        attachments=attachments.panel(me, found),
        watch=watchers.state(task=found, user=me.user),
        events=activity.for_task(found.id),
        members=orgs.members(me.organization_id),
        labels=projects.list_labels(me.organization_id),
        statuses=list(Status),
        priorities=list(Priority),
        can_write=can(me.role, Action.WRITE_TASKS),
        can_delete=services.may_delete(actor=me, task=found),
        can_moderate=can(me.role, Action.DELETE_ANY_TASK),
        checklist=checklist.panel(me, found),
        dependencies=dependencies.panel(me, found, request.args.get("find")),
        recurrence=recurrence.panel(me, found),
        frequencies=recurrence.FREQUENCIES,
        weekdays=recurrence.WEEKDAYS,
        **refused,
    )


@workspace.get("/tasks/<int:task_id>")
def task(task_id: int) -> str:
    me = membership()
    return task_page(me, services.get_task(me.organization_id, task_id))


@workspace.post("/tasks/<int:task_id>")
def edit_task(task_id: int) -> ResponseReturnValue:
    me = membership()
    found = services.get_task(me.organization_id, task_id)
    version = int_or_none(request.form.get("version"))
    try:
        data = parse(TaskUpdate, _task_form())
        services.update_task(actor=me, task=found, data=data, expected_version=version)
    except ValidationFailed as error:
        # Shown again as typed: a long description is not lost to one bad field.
        db.session.rollback()
        return task_page(me, found, typed=request.form, errors=error.details or {}), 422
    except Conflict as error:
        flash(describe(error), "danger")
    else:
        flash("Task saved.", "success")
    return redirect(url_for("org.task", task_id=task_id), 303)


@workspace.post("/tasks/<int:task_id>/move")
def move_task(task_id: int) -> ResponseReturnValue:
    """Move a card on the board: a plain form post, or an htmx request from drag and drop."""
    me = membership()
    found = services.get_task(me.organization_id, task_id)
    data: dict[str, object] = {"status": request.form.get("status")}
    # A drop names the card it landed above or below: an index among the shown cards
    # would be wrong on a filtered board. The menu's form sends none: the column's end.
    for name in ("above", "below"):
        if (card_id := int_or_none(request.form.get(name))) is not None:
            data[name] = card_id
    if len(data) == 1:
        data["position"] = int_or_none(request.form.get("position"))
    version = int_or_none(request.form.get("version"))
    back = url_for("org.board", project_id=found.project_id)
    if request.headers.get("HX-Request"):
        # Dropped on the board: the card is swapped in place, no page load.
        try:
            services.update_task(
                actor=me, task=found, data=parse(TaskUpdate, data), expected_version=version
            )
        except (ValidationFailed, Conflict) as error:
            db.session.rollback()
            return board.moved(me, found, notice=describe(error))
        return board.moved(me, found)
    return form_action(
        lambda: services.update_task(
            actor=me, task=found, data=parse(TaskUpdate, data), expected_version=version
        ),
        success="Task moved.",
        back=back,
    )


@workspace.post("/tasks/<int:task_id>/delete")
def delete_task(task_id: int) -> Response:
    me = membership()
    found = services.get_task(me.organization_id, task_id)
    services.delete_task(actor=me, task=found)
    flash(f"Task “{found.title}” deleted.", "success")
    return redirect(url_for("org.project", project_id=found.project_id), 303)


@workspace.post("/tasks/<int:task_id>/comments")
def add_comment(task_id: int) -> ResponseReturnValue:
    me = membership()
    found = services.get_task(me.organization_id, task_id)
    body = request.form.get("body", "")
    try:
        comments.add_comment(actor=me, task=found, data=parse(CommentFields, {"body": body}))
    except ValidationFailed as error:
        page = task_page(me, found, typed_comment=body, comment_errors=error.details or {})
        return page, 422
    flash("Comment added.", "success")
    return redirect(url_for("org.task", task_id=task_id) + "#comments", 303)


@workspace.post("/comments/<int:comment_id>/edit")
def edit_comment(comment_id: int) -> Response:
    me = membership()
    comment = comments.get_comment(me.organization_id, comment_id)
    body = request.form.get("body", "")
    version = int_or_none(request.form.get("version"))
    return form_action(
        lambda: comments.update_comment(
            actor=me,
            comment=comment,
            data=parse(CommentFields, {"body": body}),
            expected_version=version,
        ),
        success="Comment saved.",
        back=url_for("org.task", task_id=comment.task_id) + "#comments",
    )


@workspace.post("/comments/<int:comment_id>/delete")
def delete_comment(comment_id: int) -> Response:
    me = membership()
    comment = comments.get_comment(me.organization_id, comment_id)
    task_id = comment.task_id
    comments.delete_comment(actor=me, comment=comment)
    flash("Comment deleted.", "success")
    return redirect(url_for("org.task", task_id=task_id) + "#comments", 303)
