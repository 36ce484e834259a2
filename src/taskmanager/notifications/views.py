"""One-click unsubscribe from notification emails (no sign-in needed: the link is signed)."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_security import auth_required
from flask_security import current_user
from werkzeug import Response as WerkzeugResponse

from taskmanager.extensions import csrf
from taskmanager.notifications import calendar
from taskmanager.notifications import unsubscribe

bp = Blueprint("notifications", __name__)

LABELS = {
    "assigned": "emails when a task is assigned to you",
    "mentions": "emails when someone mentions you",
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
