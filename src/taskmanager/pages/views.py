from __future__ import annotations

import os
from email import policy
from email.parser import BytesParser

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import session
from flask import url_for
from flask_security import auth_required
from flask_security import current_user
from flask_security import url_for_security
from werkzeug import Response
from werkzeug.utils import safe_join

from taskmanager.errors import DomainError
from taskmanager.orgs import invitations
from taskmanager.orgs import services as orgs
from taskmanager.orgs.models import Invitation
from taskmanager.orgs.models import Membership
from taskmanager.tasks import listing

bp = Blueprint("pages", __name__)


@bp.get("/")
def landing() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("pages.dashboard"))
    return render_template("pages/landing.html")


@bp.get("/favicon.ico")
def favicon() -> Response:
    # Browsers ask for /favicon.ico whatever the page says; answer it, cacheable.
    return current_app.send_static_file("favicon.ico")


@bp.get("/dashboard")
@auth_required("session")
def dashboard() -> str | Response:
    joined = _join_the_invitation_registered_from()
    if joined is not None:
        flash(f"Welcome to {joined.organization.name}.", "success")
        return redirect(url_for("org.home", slug=joined.organization.slug), 303)
    memberships = orgs.enter_all(user=current_user)
    return render_template(
        "pages/dashboard.html",
        memberships=memberships,
        orgs_by_id={m.organization_id: m.organization for m in memberships},
        mine=listing.dashboard(user=current_user),
        invitations=invitations.for_email(current_user.email),
    )


# The invitation a visitor chose "Create an account" on. Signing in after confirming
# the address lands on the dashboard, which then joins them; in another browser the
# dashboard's invitation list offers the same invitation instead.
JOINING = "joining_invitation"


@bp.post("/invitations/<token>/register")
def register_for_invitation(token: str) -> Response:
    """Remember the invitation and open registration with its address filled in."""
    found = invitations.find_by_token(token)
    if invitations.state(found) != "pending" or current_user.is_authenticated:
        return redirect(url_for("orgs.invitation", token=token), 303)
    session[JOINING] = token
    return redirect(url_for_security("register", email=found.email), 303)


def _join_the_invitation_registered_from() -> Membership | None:
    token = session.pop(JOINING, None)
    if not token:
        return None
    try:
        found = invitations.find_by_token(token)
        return invitations.accept(invitation=found, user=current_user)
    except DomainError:
        # Used, revoked, for another address, or no room left: the dashboard lists
        # whatever invitations are still open for this address.
        return None


@bp.app_template_global()
def invitation_offer(invitation: Invitation) -> str:
    """What the invitation page offers the visitor.

    "join", "sign_in" (or register), "other_account" (signed in as someone else),
    "member" (already in the organization), or the state that ends it: "used",
    "revoked", "expired".
    """
    member = current_user.is_authenticated and any(
        m.organization_id == invitation.organization_id for m in orgs.memberships_of(current_user)
    )
    status = invitations.state(invitation)
    if member:
        return "member"
    if status != "pending":
        return status
    if not current_user.is_authenticated:
        return "sign_in"
    if current_user.email.lower() != invitation.email:
        return "other_account"
    return "join"


def _outbox_enabled() -> bool:
    return bool(
        current_app.config["ENV"] == "development"
        and current_app.config["MAIL_BACKEND"] == "outbox"
    )


@bp.get("/dev/outbox")
def outbox() -> str:
    """The development mailbox: every email the app 'sent', newest first."""
    if not _outbox_enabled():
        abort(404)
    folder = current_app.config["OUTBOX_DIR"]
    names = sorted(os.listdir(folder), reverse=True) if os.path.isdir(folder) else []
    messages = []
    for name in names[:100]:
        with open(os.path.join(folder, name), "rb") as handle:
            message = BytesParser(policy=policy.default).parse(handle, headersonly=True)
        messages.append({"name": name, "to": message["To"], "subject": message["Subject"]})
    return render_template("pages/outbox.html", messages=messages)


@bp.get("/dev/outbox/<name>")
def outbox_message(name: str) -> str:
    if not _outbox_enabled():
        abort(404)
    path = safe_join(current_app.config["OUTBOX_DIR"], name)
    if path is None or not name.endswith(".eml") or not os.path.isfile(path):
        abort(404)
    with open(path, "rb") as handle:
        message = BytesParser(policy=policy.default).parse(handle)
    text_part = message.get_body(preferencelist=("plain",))
    body = text_part.get_content() if text_part is not None else ""
    return render_template("pages/outbox_message.html", message=message, body=body)
