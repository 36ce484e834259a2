"""Email invitations: single use, 7 days, revocable; only a hash of the token is kept.

An invitation is accepted by the account whose email it names, either through the
link in the email (signing in or registering first) or from the dashboard, which
lists the pending invitations for the signed-in address.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import render_template
from sqlalchemy import Select
from sqlalchemy import select

from taskmanager import links
from taskmanager import tenancy
from taskmanager.accounts.models import User
from taskmanager.activity import services as activity
from taskmanager.billing.usage import Limit
from taskmanager.billing.usage import membership_count
from taskmanager.billing.usage import require_room
from taskmanager.db import utcnow
from taskmanager.errors import Conflict
from taskmanager.errors import Forbidden
from taskmanager.errors import NotFound
from taskmanager.extensions import db
from taskmanager.mail.services import queue_email
from taskmanager.orgs.models import Invitation
from taskmanager.orgs.models import Membership
from taskmanager.orgs.schemas import InvitationIn
from taskmanager.orgs.services import member
from taskmanager.policy import Action
from taskmanager.policy import Role
from taskmanager.policy import require

VALID_FOR = timedelta(days=7)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(*, actor: Membership, data: InvitationIn) -> Invitation:
    """Invite ``data.email`` with ``data.role`` and queue the email with its one-time link.

    Raises:
        Forbidden: the actor may not manage members (or owners, to invite one).
        Conflict: that address is already a member.
    """
    require(actor.role, Action.MANAGE_MEMBERS)
    email, invited_role = data.email, data.role
    if invited_role == Role.OWNER:
        require(actor.role, Action.MANAGE_OWNERS)
    already = db.session.scalar(
        select(Membership)
        .join(Membership.user)
        .where(Membership.organization_id == actor.organization_id, User.email == email)
    )
    if already is not None:
        raise Conflict(f"{email} is already a member of this organization.")
    require_room(actor.organization, Limit.MEMBERS)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organization_id=actor.organization_id,
        email=email,
        role=invited_role.value,
        token_hash=_hash(token),
        invited_by_id=actor.user_id,
        expires_at=utcnow() + VALID_FOR,
    )
    db.session.add(invitation)
    db.session.flush()
    link = links.external("orgs.invitation", token=token)
    context = {
        "org": actor.organization,
        "inviter": actor.user,
        "link": link,
        "role": invited_role.value,
    }
    queue_email(
        to=email,
        subject=f"{actor.user.display_name} invited you to {actor.organization.name}",
        text=render_template("email/invitation.txt", **context),
        html=render_template("email/invitation.html", **context),
        key=f"invitation:{invitation.id}",
    )
    activity.record(
        organization_id=actor.organization_id, actor=actor.user, verb="member.invited",
        subject_type="invitation", subject_id=invitation.id, subject_title=email,
        changes={"role": [None, invited_role.value]},
    )  # fmt: skip
    db.session.commit()
    return invitation


def pending_query(*, actor: Membership) -> Select[Invitation]:
    """Open invitations of the actor's organization, newest first.

    Raises:
        Forbidden: the actor is below admin.
    """
    require(actor.role, Action.MANAGE_MEMBERS)
    organization_id = actor.organization_id
    return (
        select(Invitation)
        .where(
            Invitation.organization_id == organization_id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .order_by(Invitation.created_at.desc())
    )


def pending(*, actor: Membership) -> list[Invitation]:
    """Open invitations of the actor's organization. Raises Forbidden below admin."""
    return list(db.session.scalars(pending_query(actor=actor)))


def revoke(*, actor: Membership, invitation_id: int) -> None:
    # Look up before checking the role: an id that is not here is 404 for everyone.
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organization_id != actor.organization_id:
        raise NotFound("No such invitation.")
    require(actor.role, Action.MANAGE_MEMBERS)
    if invitation.accepted_at is not None:
        raise Conflict("That invitation was already accepted.")
    invitation.revoked_at = utcnow()
    db.session.commit()


def find_by_token(token: str) -> Invitation:
    with tenancy.system():
        invitation = db.session.scalar(
            select(Invitation).where(Invitation.token_hash == _hash(token))
        )
    if invitation is None:
        raise NotFound("This invitation link is not valid. Ask for a new invitation.")
    return invitation


def for_email(email: str) -> list[Invitation]:
    """Pending invitations addressed to ``email``, across organizations."""
    with tenancy.system():
        query = select(Invitation).where(
            Invitation.email == email.lower(),
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        return list(db.session.scalars(query))


def accept(*, invitation: Invitation, user: User) -> Membership:
    """Join the invitation's organization as ``user``.

    Raises:
        Conflict: revoked, expired, already used, or already a member.
        PlanLimitReached: the plan in force (free, once a paid plan lapsed) is full.
        Forbidden: the invitation names another email address.
    """
    now = utcnow()
    if invitation.revoked_at is not None:
        raise Conflict("This invitation was revoked. Ask for a new one.")
    if invitation.accepted_at is not None:
        raise Conflict("This invitation was already used.")
    if invitation.expires_at <= now:
        raise Conflict("This invitation has expired. Ask for a new one.")
    if user.email.lower() != invitation.email:
        raise Forbidden(
            f"This invitation was sent to {invitation.email}. "
            "Sign in with that address to accept it."
        )
    try:
        member(invitation.organization_id, user.id)
    except NotFound:
        pass
    else:
        raise Conflict("You are already a member of this organization.")
    # The invitation already held a seat; only a lapsed plan can leave no room for it.
    org_id = invitation.organization_id
    require_room(invitation.organization, Limit.MEMBERS, used=membership_count(org_id))
    membership = Membership(
        organization_id=invitation.organization_id, user_id=user.id, role=invitation.role
    )
    invitation.accepted_at = now
    db.session.add(membership)
    activity.record(
        organization_id=invitation.organization_id, actor=user, verb="member.joined",
        subject_type="member", subject_id=user.id, subject_title=user.display_name,
        changes={"role": [None, invitation.role]},
    )  # fmt: skip
    db.session.commit()
    return membership


def accept_by_id(*, user: User, invitation_id: int) -> Membership:
    with tenancy.system():
        invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.email != user.email.lower():
        raise NotFound("No such invitation for you.")
    return accept(invitation=invitation, user=user)


def state(invitation: Invitation) -> str:
    """Where the invitation stands: "pending", "used", "revoked" or "expired"."""
    if invitation.accepted_at is not None:
        return "used"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= utcnow():
        return "expired"
    return "pending"
