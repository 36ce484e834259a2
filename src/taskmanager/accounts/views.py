"""Account settings pages: profile and time zone, security links, sessions."""

from __future__ import annotations

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_security import auth_required
from flask_security import current_user
from werkzeug import Response

from taskmanager.accounts import services
from taskmanager.accounts.forms import EmptyForm
from taskmanager.accounts.forms import ProfileForm
from taskmanager.errors import ValidationFailed

bp = Blueprint("accounts", __name__, url_prefix="/account")


@bp.get("/settings")
@auth_required("session")
def settings() -> str:
    form = ProfileForm(obj=current_user)
    return render_template("accounts/settings.html", form=form, sessions_form=EmptyForm())


@bp.post("/settings")
@auth_required("session")
def update_settings() -> Response | tuple[str, int]:
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            services.update_profile(
                user=current_user,
                name=form.name.data or "",
                time_zone=form.time_zone.data,
                preferences={
                    key: value
                    for key, value in {
                        "notify_assigned": form.notify_assigned.data,
                        "notify_mentions": form.notify_mentions.data,
                        "reminder_hours": form.reminder_hours.data,
                        "weekly_summary": form.weekly_summary.data,
                    }.items()
                    if value is not None
                },
            )
        except ValidationFailed as error:
            for field, message in error.details.items():
                getattr(form, field).errors.append(message)
        else:
            flash("Your profile is saved.", "success")
            return redirect(url_for("accounts.settings"))
    return render_template("accounts/settings.html", form=form, sessions_form=EmptyForm()), 400


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
