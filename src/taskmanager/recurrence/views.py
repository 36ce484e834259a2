"""Recurrence forms on the task page: repeat by a simple rule, change it, stop it.

Plain form posts answered with a redirect back to the section; htmx (the section is
boosted) swaps only it. A refused rule shows the task page again, 422, with what was
typed and the reason in the section.
"""

from __future__ import annotations

from typing import Any

from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from werkzeug import Response

from taskmanager.errors import Conflict
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.orgs.workspace import membership
from taskmanager.orgs.workspace import workspace
from taskmanager.recurrence import rules
from taskmanager.recurrence import services
from taskmanager.recurrence.schemas import RecurrenceForm
from taskmanager.recurrence.schemas import RecurrenceSet
from taskmanager.schemas import parse
from taskmanager.tasks import services as tasks
from taskmanager.tasks.views import task_page
from taskmanager.web import describe


def _rule(sent: dict[str, Any]) -> RecurrenceSet:
    """The form's rule; a refused field says what it is for, not Pydantic's words."""
    try:
        return parse(RecurrenceForm, sent).to_set()
    except ValidationFailed as error:
        wording = RecurrenceForm.field_messages
        details = {name: wording.get(name, text) for name, text in (error.details or {}).items()}
        raise ValidationFailed(details=details) from None


def _back(task_id: int) -> Response:
    return redirect(url_for("org.task", task_id=task_id) + "#repeat", 303)


@workspace.post("/tasks/<int:task_id>/recurrence")
def set_recurrence(task_id: int) -> ResponseReturnValue:
    me = membership()
    task = tasks.get_task(me.organization_id, task_id)
    form = request.form
    sent = {
        "freq": form.get("freq", ""), "interval": form.get("interval") or 1,
        "days": form.getlist("days"), "month_day": form.get("month_day") or None,
        "timezone": form.get("timezone") or None,
    }  # fmt: skip
    try:
        series = services.set_recurrence(actor=me, task=task, data=_rule(sent))
    except (ValidationFailed, Conflict) as error:
        db.session.rollback()
        page = task_page(
            me, tasks.get_task(me.organization_id, task_id),
            repeat_error=describe(error), repeat_typed=form,
        )  # fmt: skip
        return page, 422
    flash(f"“{task.title}” repeats: {rules.parse(series.rule).summary()}.", "success")
    return _back(task_id)


@workspace.post("/tasks/<int:task_id>/recurrence/stop")
def stop_recurrence(task_id: int) -> Response:
    me = membership()
    task = tasks.get_task(me.organization_id, task_id)
    services.stop_recurrence(actor=me, task=task)
    flash(f"“{task.title}” no longer repeats; it stays as it is.", "success")
    return _back(task_id)
