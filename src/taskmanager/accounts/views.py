"""Account settings pages: profile and time zone, security links, sessions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_security import auth_required
from flask_security import current_user
from werkzeug import Response

from taskmanager.accounts import services
from taskmanager.accounts.forms import EmptyForm
from taskmanager.accounts.forms import ProfileForm
from taskmanager.accounts.schemas import MeUpdate
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.schemas import parse

bp = Blueprint("accounts", __name__, url_prefix="/account")


@bp.get("/settings")
@auth_required("session")
def settings() -> str:
    form = ProfileForm(obj=current_user)
    return render_template("accounts/settings.html", form=form, sessions_form=EmptyForm())


@bp.post("/settings")
@auth_required("session")
def update_settings() -> ResponseReturnValue:
    # The WTForms form renders the fields and checks the CSRF token; the values are
    # read into MeUpdate, the one schema the API's PATCH /me reads its body into too.
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            services.update_profile(user=current_user, data=parse(MeUpdate, _profile_form()))
        except ValidationFailed as error:
            db.session.rollback()
            for field, message in error.details.items():
                getattr(form, field).errors.append(message)
        else:
            flash("Your profile is saved.", "success")
            return redirect(url_for("accounts.settings"))
    # Shown again as typed (the form is bound to what was posted), a message per field.
    return render_template("accounts/settings.html", form=form, sessions_form=EmptyForm()), 422


def _profile_form() -> dict[str, Any]:
    """The profile form's fields as MeUpdate expects them: a checkbox sent is on."""
    form = request.form
    data: dict[str, Any] = {"name": form.get("name", ""), "time_zone": form.get("time_zone", "")}
    for box in ("notify_assigned", "notify_mentions", "notify_watching", "weekly_summary"):
        data[box] = box in form
    hours = form.get("reminder_hours", "").strip()
    if hours:
        # A whole number is one; anything else goes on as typed, for the schema to refuse.
        data["reminder_hours"] = int(hours) if hours.lstrip("-").isdigit() else hours
    return data


@bp.post("/sessions/revoke-others")
@auth_required("session")
def revoke_other_sessions() -> Response:
    form = EmptyForm()
    if form.validate_on_submit():
        services.sign_out_elsewhere(user=current_user)
        flash(
            "You are signed out on every other device, and every API token and personal "
            "token of yours is revoked.",
            "success",
        )
    return redirect(url_for("accounts.settings"))
