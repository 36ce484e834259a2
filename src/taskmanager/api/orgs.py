"""Organizations, members, invitations, labels and the organization's history."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask.typing import ResponseReturnValue

from taskmanager.accounts.schemas import UserRef
from taskmanager.activity import services as activity
from taskmanager.activity.schemas import ActivityOut
from taskmanager.api.bearer import bearer
from taskmanager.api.bearer import caller
from taskmanager.api.bearer import who
from taskmanager.api.http import created
from taskmanager.api.http import page_of
from taskmanager.api.http import paged
from taskmanager.api.http import responses
from taskmanager.orgs import invitations
from taskmanager.orgs import services
from taskmanager.orgs.models import Membership
from taskmanager.orgs.schemas import AcceptIn
from taskmanager.orgs.schemas import InvitationIn
from taskmanager.orgs.schemas import InvitationOut
from taskmanager.orgs.schemas import MemberOut
from taskmanager.orgs.schemas import MemberUpdate
from taskmanager.orgs.schemas import OrgCreate
from taskmanager.orgs.schemas import OrgDelete
from taskmanager.orgs.schemas import OrgOut
from taskmanager.projects import services as projects
from taskmanager.projects.models import Label
from taskmanager.projects.schemas import LabelIn
from taskmanager.projects.schemas import LabelOut
from taskmanager.projects.schemas import LabelUpdate
from taskmanager.schemas import Page
from taskmanager.schemas import PageQuery

bp = APIBlueprint("api_orgs", __name__, url_prefix="/api/v1", tag="Organizations")


def _member(org_id: int) -> Membership:
    return services.access(user=caller(), org_id=org_id)


def org_out(membership: Membership) -> OrgOut:
    org = membership.organization
    return OrgOut(
        id=org.id,
        name=org.name,
        slug=org.slug,
        plan=org.plan,
        role=membership.role,
        created_at=org.created_at,
    )


def member_out(membership: Membership) -> MemberOut:
    user = membership.user
    return MemberOut(
        user=UserRef.model_validate(user),
        email=user.email,
        role=membership.role,
        joined_at=membership.created_at,
    )


@bp.get("/orgs")
@bp.auth_required(bearer)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(Page[OrgOut])
@bp.doc(summary="My organizations, with my role in each", responses=responses(headers=["Link"]))
def list_orgs(query: PageQuery) -> ResponseReturnValue:
    return paged(
        services.memberships_query(who()), page=query.page, per_page=query.per_page,
        out=org_out,
    )  # fmt: skip


@bp.post("/orgs")
@bp.auth_required(bearer)
@bp.input(OrgCreate, arg_name="data")
@bp.output(OrgOut, status_code=201)
@bp.doc(
    summary="Create an organization; I become its owner",
    responses=responses(status=201, headers=["Location"]),
)
def create_org(data: OrgCreate) -> Any:
    org = services.create_organization(owner=caller(), data=data)
    return org_out(_member(org.id)), 201, created(f"/api/v1/orgs/{org.id}")


@bp.get("/orgs/<int:org_id>")
@bp.auth_required(bearer)
@bp.output(OrgOut)
@bp.doc(summary="One of my organizations", responses=[404])
def get_org(org_id: int) -> OrgOut:
    return org_out(_member(org_id))


@bp.patch("/orgs/<int:org_id>")
@bp.auth_required(bearer)
@bp.input(OrgCreate, arg_name="data")
@bp.output(OrgOut)
@bp.doc(summary="Rename (owner only)", responses=[403, 404])
def update_org(org_id: int, data: OrgCreate) -> OrgOut:
    me = _member(org_id)
    services.rename(actor=me, data=data)
    return org_out(me)


@bp.delete("/orgs/<int:org_id>")
@bp.auth_required(bearer)
@bp.input(OrgDelete, arg_name="data")
@bp.output({}, status_code=204)
@bp.doc(
    summary="Delete with everything in it (owner only; confirm with the slug)",
    description="Send the organization's slug as `confirm`; another value is 422.",
    responses=[403, 404, 422],
)
def delete_org(org_id: int, data: OrgDelete) -> tuple[str, int]:
    services.delete(actor=_member(org_id), data=data)
    return "", 204


@bp.get("/orgs/<int:org_id>/members")
@bp.auth_required(bearer)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(Page[MemberOut])
@bp.doc(summary="Members and their roles", responses=responses(404, headers=["Link"]))
def list_members(org_id: int, query: PageQuery) -> ResponseReturnValue:
    return paged(
        services.members_query(_member(org_id).organization_id), page=query.page,
        per_page=query.per_page, out=member_out,
    )  # fmt: skip


@bp.patch("/orgs/<int:org_id>/members/<int:user_id>")
@bp.auth_required(bearer)
@bp.input(MemberUpdate, arg_name="data")
@bp.output(MemberOut)
@bp.doc(summary="Change a member's role", responses=[403, 404, 409])
def update_member(org_id: int, user_id: int, data: MemberUpdate) -> MemberOut:
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
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(Page[InvitationOut])
@bp.doc(
    summary="Pending invitations (admins and owners)",
    responses=responses(403, 404, headers=["Link"]),
)
def list_invitations(org_id: int, query: PageQuery) -> ResponseReturnValue:
    me = _member(org_id)
    return paged(
        invitations.pending_query(actor=me), page=query.page, per_page=query.per_page,
        out=InvitationOut.model_validate,
    )  # fmt: skip


@bp.post("/orgs/<int:org_id>/invitations")
@bp.auth_required(bearer)
@bp.input(InvitationIn, arg_name="data")
@bp.output(InvitationOut, status_code=201)
@bp.doc(
    summary="Invite someone by email",
    responses=responses(402, 403, 404, 409, status=201, headers=["Location"]),
)
def invite(org_id: int, data: InvitationIn) -> Any:
    invitation = invitations.invite(actor=_member(org_id), data=data)
    location = f"/api/v1/orgs/{org_id}/invitations/{invitation.id}"
    return InvitationOut.model_validate(invitation), 201, created(location)


@bp.delete("/orgs/<int:org_id>/invitations/<int:invitation_id>")
@bp.auth_required(bearer)
@bp.output({}, status_code=204)
@bp.doc(summary="Revoke an invitation", responses=[403, 404, 409])
def revoke_invitation(org_id: int, invitation_id: int) -> tuple[str, int]:
    invitations.revoke(actor=_member(org_id), invitation_id=invitation_id)
    return "", 204


@bp.post("/invitations/accept")
@bp.auth_required(bearer)
@bp.input(AcceptIn, arg_name="data")
@bp.output(OrgOut, status_code=201)
@bp.doc(
    summary="Join an organization with an invitation's token",
    responses=responses(402, 403, 404, 409, status=201, headers=["Location"]),
)
def accept_invitation(data: AcceptIn) -> Any:
    invitation = invitations.find_by_token(data.token)
    joined = invitations.accept(invitation=invitation, user=caller())
    org_id = joined.organization_id
    return org_out(_member(org_id)), 201, created(f"/api/v1/orgs/{org_id}")


@bp.get("/orgs/<int:org_id>/labels")
@bp.auth_required(bearer)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(Page[LabelOut])
@bp.doc(summary="The organization's labels", responses=responses(404, headers=["Link"]))
def list_labels(org_id: int, query: PageQuery) -> ResponseReturnValue:
    return paged(
        projects.labels_query(_member(org_id).organization_id), page=query.page,
        per_page=query.per_page, out=LabelOut.model_validate,
    )  # fmt: skip


@bp.post("/orgs/<int:org_id>/labels")
@bp.auth_required(bearer)
@bp.input(LabelIn, arg_name="data")
@bp.output(LabelOut, status_code=201)
@bp.doc(
    summary="Create a label",
    responses=responses(403, 404, 409, status=201, headers=["Location"]),
)
def create_label(org_id: int, data: LabelIn) -> Any:
    label = projects.create_label(actor=_member(org_id), data=data)
    return label, 201, created(f"/api/v1/labels/{label.id}")


@bp.patch("/labels/<int:label_id>")
@bp.auth_required(bearer)
@bp.input(LabelUpdate, arg_name="data")
@bp.output(LabelOut)
@bp.doc(summary="Rename or recolor a label", responses=[403, 404, 409])
def update_label(label_id: int, data: LabelUpdate) -> Any:
    me = services.access_for(user=caller(), model=Label, object_id=label_id)
    label = projects.get_label(me.organization_id, label_id)
    return projects.update_label(actor=me, label=label, data=data)


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
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(Page[ActivityOut])
@bp.doc(
    summary="The organization's history, newest first",
    responses=responses(404, headers=["Link"]),
)
def org_activity(org_id: int, query: PageQuery) -> ResponseReturnValue:
    me = _member(org_id)
    page = activity.page_for_organization(
        me.organization_id, role=me.role, page=query.page, per_page=query.per_page
    )
    items = [ActivityOut.model_validate(e) for e in page.items]
    return page_of(items, total=page.total, page=query.page, per_page=query.per_page)
