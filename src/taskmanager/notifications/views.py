"""One-click unsubscribe from notification emails (no sign-in needed: the link is signed)."""

from __future__ import annotations

from flask import Blueprint
from flask import render_template

from taskmanager.extensions import csrf
from taskmanager.notifications import unsubscribe

bp = Blueprint("notifications", __name__)

LABELS = {
    "assigned": "emails when a task is assigned to you",
    "mentions": "emails when someone mentions you",
    "reminders": "due-date reminders",
    "weekly": "the weekly summary",
}


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
