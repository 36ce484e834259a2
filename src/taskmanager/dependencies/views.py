"""Dependency forms on the task page: find a task, link it ("blocked by" / "blocks"), unlink.

Finding is a GET of the task page itself (``?find=words``), so it works without
JavaScript; htmx (the section is boosted) swaps only the dependencies section. A
refused link (a loop, a task of another organization) shows the task page again,
422, with the reason in that section.
"""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from werkzeug import Response

from taskmanager.db import MAX_ID
from taskmanager.dependencies import services
from taskmanager.dependencies.schemas import DependencyCreate
from taskmanager.errors import Conflict
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.orgs.workspace import membership
from taskmanager.orgs.workspace import workspace
from taskmanager.schemas import parse
from taskmanager.tasks import services as tasks
from taskmanager.tasks.views import task_page
from taskmanager.web import describe


def _task_number(value: str | None) -> int | str | None:
    """A typed task number ("42" or "#42") as an int; anything else as typed."""
    text = (value or "").strip().removeprefix("#")
    if not text:
        return None
    return int(text) if text.isdigit() and int(text) <= MAX_ID else text


@workspace.post("/tasks/<int:task_id>/dependencies")
def add_dependency(task_id: int) -> ResponseReturnValue:
    me = membership()
    task = tasks.get_task(me.organization_id, task_id)
    sent = {name: _task_number(request.form.get(name)) for name in ("blocked_by", "blocks")}
    try:
        data = parse(DependencyCreate, {name: value for name, value in sent.items() if value})
        other = tasks.get_task(me.organization_id, data.blocked_by or data.blocks or 0)
        if data.blocked_by:
            link = services.add_dependency(actor=me, blocker=other, blocked=task)
        else:
            link = services.add_dependency(actor=me, blocker=task, blocked=other)
    except (ValidationFailed, Conflict) as error:
        db.session.rollback()
        page = task_page(
            me, tasks.get_task(me.organization_id, task_id),
            dependency_error=describe(error), dependency_typed=request.form,
        )  # fmt: skip
        return page, 422
    flash(f"“{link.blocker.title}” now blocks “{link.blocked.title}”.", "success")
    return redirect(url_for("org.task", task_id=task_id) + "#dependencies", 303)


@workspace.post("/dependencies/<int:link_id>/delete")
def remove_dependency(link_id: int) -> Response:
    me = membership()
    link = services.get_link(me.organization_id, link_id)
    back = request.form.get("task_id", type=int) or link.blocked_id
    if back not in (link.blocked_id, link.blocker_id):
        back = link.blocked_id
    blocker, blocked = link.blocker.title, link.blocked.title
    services.remove_dependency(actor=me, link=link)
    flash(f"“{blocker}” no longer blocks “{blocked}”.", "success")
    return redirect(url_for("org.task", task_id=back) + "#dependencies", 303)
