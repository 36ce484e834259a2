"""The notification pages: the bell and its list, following a task, the calendar feed,
and one-click unsubscribe from notification emails (no sign-in needed: the link is signed).
"""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_security import auth_required
from flask_security import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug import Response as WerkzeugResponse

from taskmanager import links
from taskmanager.extensions import csrf
from taskmanager.extensions import db
from taskmanager.notifications import calendar
from taskmanager.notifications import inbox
from taskmanager.notifications import unsubscribe
from taskmanager.notifications import watchers
from taskmanager.notifications.kinds import headline
from taskmanager.orgs.workspace import membership
from taskmanager.orgs.workspace import workspace
from taskmanager.tasks import services as tasks
from taskmanager.web import int_or_none

bp = Blueprint("notifications", __name__)

LABELS = {
    "assigned": "emails when a task is assigned to you",
    "mentions": "emails when someone mentions you",
    "watching": "emails about tasks you follow",
    "reminders": "due-date reminders",
    "weekly": "the weekly summary",
}


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str) -> Response:
    response = Response(calendar.feed(token), mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="taskmanager.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.post("/account/calendar")
@auth_required("session")
def create_calendar_link() -> WerkzeugResponse:
    token = calendar.issue_token(user=current_user)
    flash(
        "Your calendar link (shown once; add it to your calendar app as a subscription): "
        + calendar.feed_url(token),
        "success",
    )
    return redirect(url_for("accounts.settings"), 303)


@bp.post("/account/calendar/revoke")
@auth_required("session")
def revoke_calendar_link() -> WerkzeugResponse:
    calendar.revoke(user=current_user)
    flash("Your calendar link is revoked; calendars using it stop updating.", "success")
    return redirect(url_for("accounts.settings"), 303)


@bp.get("/unsubscribe/<token>")
def confirm(token: str) -> str:
    user, kind = unsubscribe.read(token)
    return render_template(
        "notifications/unsubscribe.html", email=user.email, what=LABELS[kind], done=False
    )


@bp.post("/unsubscribe/<token>")
@csrf.exempt  # the signed token is the credential; mail clients post it with one click
def apply(token: str) -> str:
    user, kind = unsubscribe.read(token)
    unsubscribe.unsubscribe(user=user, kind=kind)
    return render_template(
        "notifications/unsubscribe.html", email=user.email, what=LABELS[kind], done=True
    )


PER_PAGE = 30
MENU_SIZE = 8


@bp.app_template_global()
def unread_notifications() -> int:
    """The bell's count, for the signed-in user (layout.html asks only then)."""
    try:
        return inbox.unread_count(user=current_user)
    except SQLAlchemyError:
        # The error page of a failed request must still render: no bell count then.
        db.session.rollback()
        return 0


bp.add_app_template_global(headline, "notification_headline")


@bp.get("/notifications")
@auth_required("session")
def inbox_page() -> str:
    """The full list; opening it reads the items it shows."""
    page = max(1, int_or_none(request.args.get("page")) or 1)
    found = inbox.look(user=current_user, page=page, per_page=PER_PAGE, mark_read=True)
    pages = max(1, -(-found.total // PER_PAGE))
    return render_template("notifications/inbox.html", inbox=found, page=page, pages=pages)


@bp.get("/notifications/menu")
@auth_required("session")
def menu() -> str:
    """The bell's dropdown (htmx): the latest items, read by opening it."""
    found = inbox.look(user=current_user, per_page=MENU_SIZE, mark_read=True)
    return render_template("notifications/_menu.html", inbox=found)


@bp.post("/notifications/read")
@auth_required("session")
def read_all() -> WerkzeugResponse:
    marked = inbox.mark_all_read(user=current_user)
    flash(f"{marked} notification{'' if marked == 1 else 's'} marked read.", "success")
    back = links.safe_target(request.form.get("back"), url_for("notifications.inbox_page"))
    return redirect(back, 303)


@workspace.post("/tasks/<int:task_id>/watch")
def watch_task(task_id: int) -> ResponseReturnValue:
    """Follow (``watching=1``) or unfollow a task: a form, or htmx swapping the button."""
    me = membership()
    task = tasks.get_task(me.organization_id, task_id)
    watching = request.form.get("watching") == "1"
    state = watchers.set_watching(actor=me, task=task, watching=watching)
    if request.headers.get("HX-Request"):
        return render_template("notifications/_watch.html", task=task, watch=state)
    flash(
        "You follow this task: comments and its completion will notify you."
        if watching
        else "You no longer follow this task.",
        "success",
    )
    return redirect(url_for("org.task", task_id=task.id), 303)
