"""Attachment pages: upload on the task page (a plain form, enhanced by attachments.js),
download, the inline preview of images, delete."""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash
from flask import g
from flask import redirect
from flask import request
from flask import url_for
from flask_wtf.csrf import CSRFError
from flask_wtf.csrf import validate_csrf
from werkzeug import Response
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms.validators import ValidationError

from taskmanager.attachments import services
from taskmanager.attachments.http import file_parts
from taskmanager.attachments.http import file_response
from taskmanager.attachments.http import limit_body
from taskmanager.attachments.http import sandboxed
from taskmanager.attachments.models import Attachment
from taskmanager.attachments.uploads import MalformedUpload
from taskmanager.errors import DomainError
from taskmanager.errors import NotFound
from taskmanager.extensions import csrf
from taskmanager.orgs.models import Membership
from taskmanager.orgs.workspace import membership
from taskmanager.orgs.workspace import workspace
from taskmanager.policy import Action
from taskmanager.policy import can
from taskmanager.tasks import services as tasks
from taskmanager.tasks.models import Task

# attachments.js sends each file on its own with this header, and wants a short answer.
SCRIPTED = "X-Upload"
TOO_LARGE = "That upload is larger than your plan allows. Upgrade the plan for larger files."


@dataclass
class Panel:
    """What the task page's attachments section shows."""

    items: list[Attachment]
    deletable: set[int]
    can_upload: bool
    largest_file: int | None


def panel(me: Membership, task: Task) -> Panel:
    items = services.list_for_task(task)
    limits = services.allowance(me.organization)
    return Panel(
        items=items,
        deletable={a.id for a in items if services.may_delete(me, a)},
        can_upload=can(me.role, Action.WRITE_TASKS),
        largest_file=limits.largest_file,
    )


def _check_csrf(token: str | None) -> None:
    try:
        validate_csrf(token)
    except ValidationError as error:
        raise CSRFError(str(error)) from error


@workspace.before_app_request
def _leave_the_upload_body_unread() -> None:
    """Keep Flask-Security from parsing the upload form before the view streams it.

    Flask-Security's session check runs flask-wtf's ``csrf.protect()``, which reads
    ``request.form``: Werkzeug would spool every file of the body first. The upload view
    checks the CSRF token itself, from the header or the form's first field, before it
    stores a byte. flask-wtf's ``g.csrf_valid`` is how a view says it did the check.
    """
    if request.endpoint == "org.upload_attachment":
        g.csrf_valid = True


@workspace.post("/tasks/<int:task_id>/attachments")
@csrf.exempt  # checked below from the stream: reading request.form would spool the files
def upload_attachment(task_id: int) -> Response:
    me = membership()
    task = tasks.get_task(me.organization_id, task_id)
    back = url_for("org.task", task_id=task_id) + "#attachments"
    scripted = bool(request.headers.get(SCRIPTED))
    names: list[str] = []
    token = request.headers.get("X-CSRFToken")
    try:
        limits = services.admit(
            actor=me, declared_length=request.content_length, files=services.MAX_FILES_PER_FORM
        )
        limit_body(request, limits, files=services.MAX_FILES_PER_FORM)
        if token:
            _check_csrf(token)
        for part in file_parts(request):
            if part.filename is None:
                if part.name == "csrf_token" and not token:
                    token = part.text()
                    _check_csrf(token)
                continue
            if not token:
                # The form puts its token before the files; without it no byte is stored.
                _check_csrf(None)
            if part.name != "file" or not part.filename:
                continue  # an empty file input sends a part without a name
            added = services.add_attachment(
                actor=me, task=task, filename=part.filename, chunks=part.chunks, limits=limits
            )
            names.append(added.filename)
    except (DomainError, RequestEntityTooLarge) as error:
        if not token and isinstance(error, MalformedUpload):
            _check_csrf(None)  # not a form, so no token either: refused as a forged post
        message = error.message if isinstance(error, DomainError) else TOO_LARGE
        if scripted:
            status = error.status if isinstance(error, DomainError) else 413
            return Response(message, status, mimetype="text/plain")
        flash(message, "danger")
        return redirect(back, 303)
    if not token:  # a body with no file and no token: still a post without a token
        _check_csrf(None)
    if scripted:
        return Response(", ".join(names), 201 if names else 400, mimetype="text/plain")
    if not names:
        flash("Choose one or more files to attach.", "danger")
    else:
        flash(f"Attached {', '.join(names)}.", "success")
    return redirect(back, 303)


def _attachment(attachment_id: int) -> Attachment:
    return services.get_attachment(membership().organization_id, attachment_id)


@workspace.get("/attachments/<int:attachment_id>")
@sandboxed
def download_attachment(attachment_id: int) -> Response:
    return file_response(_attachment(attachment_id))


@workspace.get("/attachments/<int:attachment_id>/preview")
@sandboxed
def preview_attachment(attachment_id: int) -> Response:
    """A raster image inline (the task page's thumbnail); anything else has no preview."""
    found = _attachment(attachment_id)
    if not found.previewable:
        raise NotFound("This file has no preview; download it instead.")
    return file_response(found, inline=True)


@workspace.post("/attachments/<int:attachment_id>/delete")
def delete_attachment(attachment_id: int) -> Response:
    found = _attachment(attachment_id)
    task_id, filename = found.task_id, found.filename
    try:
        services.delete_attachment(actor=membership(), attachment=found)
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash(f"Deleted {filename}.", "success")
    return redirect(url_for("org.task", task_id=task_id) + "#attachments", 303)
