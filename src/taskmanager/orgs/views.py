"""Organization pages: create, home, settings, members, invitations, labels."""

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

from taskmanager.activity import services as activity
from taskmanager.billing.usage import usage as plan_usage
from taskmanager.errors import Conflict
from taskmanager.errors import Forbidden
from taskmanager.errors import PlanLimitReached
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.orgs import invitations
from taskmanager.orgs import services
from taskmanager.orgs.models import Membership
from taskmanager.orgs.schemas import InvitationIn
from taskmanager.orgs.schemas import OrgCreate
from taskmanager.orgs.schemas import OrgDelete
from taskmanager.orgs.workspace import membership
from taskmanager.orgs.workspace import workspace
from taskmanager.policy import Action
from taskmanager.policy import Role
from taskmanager.policy import can
from taskmanager.projects import services as projects
from taskmanager.projects.schemas import LabelIn
from taskmanager.schemas import parse
from taskmanager.web import describe
from taskmanager.web import form_action
from taskmanager.web import form_fields
from taskmanager.web import int_or_none

bp = Blueprint("orgs", __name__)


@bp.route("/orgs/new", methods=["GET", "POST"])
@auth_required("session")
def create() -> ResponseReturnValue:
    if request.method == "POST":
        try:
            data = parse(OrgCreate, {"name": request.form.get("name", "")})
            org = services.create_organization(owner=current_user, data=data)
        except ValidationFailed as error:
            db.session.rollback()
            page = render_template("orgs/new.html", typed=request.form, errors=error.details)
            return page, 422
        flash(f"{org.name} is ready. Create a project, then invite your team.", "success")
        return redirect(url_for("org.home", slug=org.slug), 303)
    return render_template("orgs/new.html")


@bp.get("/invitations/<token>")
def invitation(token: str) -> str:
    found = invitations.find_by_token(token)
    return render_template("orgs/invitation.html", invitation=found, token=token)


@bp.post("/invitations/<token>")
@auth_required("session")
def accept_invitation(token: str) -> Response | tuple[str, int]:
    found = invitations.find_by_token(token)
    try:
        joined = invitations.accept(invitation=found, user=current_user)
    except (Conflict, Forbidden, PlanLimitReached) as error:
        return render_template(
            "orgs/invitation.html", invitation=found, token=token, error=error.message
        ), error.status
    flash(f"Welcome to {joined.organization.name}.", "success")
    return redirect(url_for("org.home", slug=joined.organization.slug), 303)


@bp.post("/invitations/mine/<int:invitation_id>")
@auth_required("session")
def accept_my_invitation(invitation_id: int) -> Response:
    try:
        joined = invitations.accept_by_id(user=current_user, invitation_id=invitation_id)
    except (Conflict, PlanLimitReached) as error:
        flash(error.message, "danger")
        return redirect(url_for("pages.dashboard"), 303)
    flash(f"Welcome to {joined.organization.name}.", "success")
    return redirect(url_for("org.home", slug=joined.organization.slug), 303)


@workspace.get("")
def home() -> str:
    return home_page(membership())


def home_page(me: Membership, **refused: Any) -> str:
    """The organization's home; ``refused`` names a refused form (``form``), its values
    as typed (``typed``) and a message per field (``errors``), shown next to that form."""
    org_id = me.organization_id
    return render_template(
        "orgs/home.html",
        org=me.organization,
        me=me,
        projects=projects.list_projects(org_id, include_archived=True),
        members=services.members(org_id),
        # The list is shown only to those who may manage members; the service enforces it.
        invitations=invitations.pending(actor=me) if can(me.role, Action.MANAGE_MEMBERS) else [],
        labels=projects.list_labels(org_id),
        events=activity.for_organization(org_id, role=me.role),
        usage=plan_usage(me.organization),
        roles=list(Role),
        can=lambda action: can(me.role, action),
        Action=Action,
        **refused,
    )


def _refused(me: Membership, form: str, error: ValidationFailed) -> tuple[str, int]:
    """The home page again with the refused ``form`` as typed: nothing is lost to one bad field."""
    db.session.rollback()
    return home_page(me, form=form, typed=request.form, errors=error.details or {}), 422


def _back() -> str:
    return url_for("org.home")


@workspace.post("/rename")
def rename() -> ResponseReturnValue:
    me = membership()
    try:
        services.rename(actor=me, data=parse(OrgCreate, {"name": request.form.get("name", "")}))
    except ValidationFailed as error:
        return _refused(me, "rename", error)
    flash("The organization is renamed.", "success")
    return redirect(_back(), 303)


@workspace.post("/delete")
def delete() -> Response:
    me = membership()
    name = me.organization.name
    try:
        data = parse(OrgDelete, {"confirm": request.form.get("confirm", "")})
        services.delete(actor=me, data=data)
    except ValidationFailed as error:
        flash(describe(error), "danger")
        return redirect(_back(), 303)
    flash(f"{name} and everything in it is deleted.", "success")
    return redirect(url_for("pages.dashboard"), 303)


@workspace.post("/transfer")
def transfer() -> Response:
    user_id = int_or_none(request.form.get("user_id")) or 0
    return form_action(
        lambda: services.transfer_ownership(actor=membership(), user_id=user_id),
        success="Ownership is transferred; you are now an admin.",
        back=_back(),
    )


@workspace.post("/members/<int:user_id>/role")
def change_role(user_id: int) -> Response:
    role = request.form.get("role", "")
    return form_action(
        lambda: services.change_role(actor=membership(), user_id=user_id, role=role),
        success="The role is changed.",
        back=_back(),
    )


@workspace.post("/members/<int:user_id>/remove")
def remove_member(user_id: int) -> Response:
    me = membership()
    if user_id != me.user_id:
        return form_action(
            lambda: services.remove_member(actor=me, user_id=user_id),
            success="The member is removed.",
            back=_back(),
        )
    try:
        services.remove_member(actor=me, user_id=user_id)
    except Conflict as error:
        flash(error.message, "danger")
        return redirect(_back(), 303)
    flash(f"You left {me.organization.name}.", "success")
    return redirect(url_for("pages.dashboard"), 303)


@workspace.post("/invitations")
def invite() -> ResponseReturnValue:
    me = membership()
    sent = {"email": request.form.get("email", ""), "role": request.form.get("role", "member")}
    try:
        invitation = invitations.invite(actor=me, data=parse(InvitationIn, sent))
    except ValidationFailed as error:
        return _refused(me, "invite", error)
    except (Conflict, PlanLimitReached) as error:
        # Not a mistake in a field: a full plan is said at the top, with the way up.
        flash(describe(error), "danger")
    else:
        flash(f"Invitation sent to {invitation.email}.", "success")
    return redirect(_back(), 303)


@workspace.post("/invitations/<int:invitation_id>/revoke")
def revoke_invitation(invitation_id: int) -> Response:
    return form_action(
        lambda: invitations.revoke(actor=membership(), invitation_id=invitation_id),
        success="The invitation is revoked.",
        back=_back(),
    )


@workspace.post("/labels")
def create_label() -> ResponseReturnValue:
    me = membership()
    try:
        projects.create_label(actor=me, data=parse(LabelIn, form_fields("name", "color")))
    except ValidationFailed as error:
        return _refused(me, "label", error)
    except Conflict as error:
        flash(describe(error), "danger")
    else:
        flash("Label added.", "success")
    return redirect(_back(), 303)


@workspace.post("/labels/<int:label_id>/delete")
def delete_label(label_id: int) -> Response:
    me = membership()
    label = projects.get_label(me.organization_id, label_id)
    return form_action(
        lambda: projects.delete_label(actor=me, label=label), success="Label deleted.", back=_back()
    )
