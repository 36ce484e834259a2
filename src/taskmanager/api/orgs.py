"""Organizations, members, invitations, labels and the organization's history."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import request

from taskmanager.activity import services as activity
from taskmanager.api import schemas
from taskmanager.api.bearer import bearer
from taskmanager.api.bearer import caller
from taskmanager.api.http import created
from taskmanager.api.http import page_of
from taskmanager.api.http import responses
from taskmanager.api.http import slice_of
from taskmanager.orgs import invitations
from taskmanager.orgs import services
from taskmanager.orgs.models import Membership
from taskmanager.projects import services as projects
from taskmanager.projects.models import Label

bp = APIBlueprint("api_orgs", __name__, url_prefix="/api/v1", tag="Organizations")


def _member(org_id: int) -> Membership:
    return services.access(user=caller(), org_id=org_id)


def org_out(membership: Membership) -> schemas.OrgOut:
    org = membership.organization
    return schemas.OrgOut(
        id=org.id,
        name=org.name,
        slug=org.slug,
        plan=org.plan,
        role=membership.role,
        created_at=org.created_at,
    )


def member_out(membership: Membership) -> schemas.MemberOut:
    user = membership.user
    return schemas.MemberOut(
        user=schemas.UserRef.model_validate(user),
        email=user.email,
        role=membership.role,
        joined_at=membership.created_at,
    )


@bp.get("/orgs")
@bp.auth_required(bearer)
@bp.input(schemas.PageQuery, location="query", arg_name="query")
@bp.output(schemas.OrgPage)
@bp.doc(summary="My organizations, with my role in each", responses=responses(headers=["Link"]))
def list_orgs(query: schemas.PageQuery) -> Any:
    found = [org_out(m) for m in services.memberships_of(caller())]
    return slice_of(found, page=query.page, per_page=query.per_page)


@bp.post("/orgs")
@bp.auth_required(bearer)
@bp.input(schemas.OrgCreate, arg_name="data")
@bp.output(schemas.OrgOut, status_code=201)
@bp.doc(
    summary="Create an organization; I become its owner",
    responses=responses(status=201, headers=["Location"]),
)
def create_org(data: schemas.OrgCreate) -> Any:
    org = services.create_organization(owner=caller(), name=data.name)
    return org_out(_member(org.id)), 201, created(f"/api/v1/orgs/{org.id}")


@bp.get("/orgs/<int:org_id>")
@bp.auth_required(bearer)
@bp.output(schemas.OrgOut)
@bp.doc(summary="One of my organizations", responses=[404])
def get_org(org_id: int) -> schemas.OrgOut:
    return org_out(_member(org_id))


@bp.patch("/orgs/<int:org_id>")
@bp.auth_required(bearer)
@bp.input(schemas.OrgCreate, arg_name="data")
@bp.output(schemas.OrgOut)
@bp.doc(summary="Rename (owner only)", responses=[403, 404])
def update_org(org_id: int, data: schemas.OrgCreate) -> schemas.OrgOut:
    me = _member(org_id)
    services.rename(actor=me, name=data.name)
    return org_out(me)


@bp.delete("/orgs/<int:org_id>")
@bp.auth_required(bearer)
@bp.input(schemas.OrgDelete, arg_name="data")
@bp.output({}, status_code=204)
@bp.doc(
    summary="Delete with everything in it (owner only; confirm with the slug)",
    responses=[403, 404],
)
def delete_org(org_id: int, data: schemas.OrgDelete) -> tuple[str, int]:
    services.delete(actor=_member(org_id), confirm=data.confirm)
    return "", 204


@bp.get("/orgs/<int:org_id>/members")
@bp.auth_required(bearer)
@bp.input(schemas.PageQuery, location="query", arg_name="query")
@bp.output(schemas.MemberPage)
@bp.doc(summary="Members and their roles", responses=responses(404, headers=["Link"]))
def list_members(org_id: int, query: schemas.PageQuery) -> Any:
    found = [member_out(m) for m in services.members(_member(org_id).organization_id)]
    return slice_of(found, page=query.page, per_page=query.per_page)


@bp.patch("/orgs/<int:org_id>/members/<int:user_id>")
@bp.auth_required(bearer)
@bp.input(schemas.MemberUpdate, arg_name="data")
@bp.output(schemas.MemberOut)
@bp.doc(summary="Change a member's role", responses=[403, 404, 409])
def update_member(org_id: int, user_id: int, data: schemas.MemberUpdate) -> schemas.MemberOut:
    changed = services.change_role(actor=_member(org_id), user_id=user_id, role=data.role.value)
    return member_out(changed)


@bp.delete("/orgs/<int:org_id>/members/<int:user_id>")
@bp.auth_required(bearer)
@bp.output({}, status_code=204)
@bp.doc(summary="Remove a member, or leave (my own id)", responses=[403, 404, 409])
def remove_member(org_id: int, user_id: int) -> tuple[str, int]:
    services.remove_member(actor=_member(org_id), user_id=user_id)
    return "", 204


@bp.get("/orgs/<int:org_id>/invitations")
@bp.auth_required(bearer)
@bp.input(schemas.PageQuery, location="query", arg_name="query")
@bp.output(schemas.InvitationPage)
@bp.doc(
    summary="Pending invitations (admins and owners)",
    responses=responses(403, 404, headers=["Link"]),
)
def list_invitations(org_id: int, query: schemas.PageQuery) -> Any:
    me = _member(org_id)
    found = [schemas.InvitationOut.model_validate(i) for i in invitations.pending(actor=me)]
    return slice_of(found, page=query.page, per_page=query.per_page)


@bp.post("/orgs/<int:org_id>/invitations")
@bp.auth_required(bearer)
@bp.input(schemas.InvitationIn, arg_name="data")
@bp.output(schemas.InvitationOut, status_code=201)
@bp.doc(
    summary="Invite someone by email",
    responses=responses(402, 403, 404, 409, status=201, headers=["Location"]),
)
def invite(org_id: int, data: schemas.InvitationIn) -> Any:
    invitation = invitations.invite(
        actor=_member(org_id), email=data.email, role=data.role.value, base_url=request.host_url
    )
    location = f"/api/v1/orgs/{org_id}/invitations/{invitation.id}"
    return schemas.InvitationOut.model_validate(invitation), 201, created(location)


@bp.delete("/orgs/<int:org_id>/invitations/<int:invitation_id>")
@bp.auth_required(bearer)
@bp.output({}, status_code=204)
@bp.doc(summary="Revoke an invitation", responses=[403, 404, 409])
def revoke_invitation(org_id: int, invitation_id: int) -> tuple[str, int]:
    invitations.revoke(actor=_member(org_id), invitation_id=invitation_id)
    return "", 204


@bp.post("/invitations/accept")
@bp.auth_required(bearer)
@bp.input(schemas.AcceptIn, arg_name="data")
@bp.output(schemas.OrgOut, status_code=201)
@bp.doc(
    summary="Join an organization with an invitation's token",
    responses=responses(402, 403, 404, 409, status=201, headers=["Location"]),
)
def accept_invitation(data: schemas.AcceptIn) -> Any:
    invitation = invitations.find_by_token(data.token)
    joined = invitations.accept(invitation=invitation, user=caller())
    org_id = joined.organization_id
    return org_out(_member(org_id)), 201, created(f"/api/v1/orgs/{org_id}")


@bp.get("/orgs/<int:org_id>/labels")
@bp.auth_required(bearer)
@bp.input(schemas.PageQuery, location="query", arg_name="query")
@bp.output(schemas.LabelPage)
@bp.doc(summary="The organization's labels", responses=responses(404, headers=["Link"]))
def list_labels(org_id: int, query: schemas.PageQuery) -> Any:
    found = [
        schemas.LabelOut.model_validate(x)
        for x in projects.list_labels(_member(org_id).organization_id)
    ]
    return slice_of(found, page=query.page, per_page=query.per_page)


@bp.post("/orgs/<int:org_id>/labels")
@bp.auth_required(bearer)
@bp.input(schemas.LabelIn, arg_name="data")
@bp.output(schemas.LabelOut, status_code=201)
@bp.doc(
    summary="Create a label",
    responses=responses(403, 404, 409, status=201, headers=["Location"]),
)
def create_label(org_id: int, data: schemas.LabelIn) -> Any:
    label = projects.create_label(actor=_member(org_id), name=data.name, color=data.color)
    return label, 201, created(f"/api/v1/labels/{label.id}")


@bp.patch("/labels/<int:label_id>")
@bp.auth_required(bearer)
@bp.input(schemas.LabelUpdate, arg_name="data")
@bp.output(schemas.LabelOut)
@bp.doc(summary="Rename or recolor a label", responses=[403, 404, 409])
def update_label(label_id: int, data: schemas.LabelUpdate) -> Any:
    me = services.access_for(user=caller(), model=Label, object_id=label_id)
    label = projects.get_label(me.organization_id, label_id)
    return projects.update_label(actor=me, label=label, name=data.name, color=data.color)


@bp.delete("/labels/<int:label_id>")
@bp.auth_required(bearer)
@bp.output({}, status_code=204)
@bp.doc(summary="Delete a label", responses=[403, 404])
def delete_label(label_id: int) -> tuple[str, int]:
    me = services.access_for(user=caller(), model=Label, object_id=label_id)
    projects.delete_label(actor=me, label=projects.get_label(me.organization_id, label_id))
    return "", 204


@bp.get("/orgs/<int:org_id>/activity")
@bp.auth_required(bearer)
@bp.input(schemas.PageQuery, location="query", arg_name="query")
@bp.output(schemas.ActivityPage)
@bp.doc(
    summary="The organization's history, newest first",
    responses=responses(404, headers=["Link"]),
)
def org_activity(org_id: int, query: schemas.PageQuery) -> Any:
    page = activity.page_for_organization(
        _member(org_id).organization_id, page=query.page, per_page=query.per_page
    )
    items = [schemas.ActivityOut.model_validate(e) for e in page.items]
    return page_of(items, total=page.total, page=query.page, per_page=query.per_page)
