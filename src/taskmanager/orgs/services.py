"""Organizations and memberships: create, rename, delete, roles, ownership.

Access starts here: ``access`` finds the caller's membership (or answers NotFound,
never Forbidden, so another tenant's ids cannot be probed) and scopes the rest of
the request to that organization.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Hashable
from collections.abc import Sequence
from typing import Any
from typing import TypeVar
from typing import cast

from sqlalchemy import ColumnElement
from sqlalchemy import Select
from sqlalchemy import SQLColumnExpression
from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import lazyload
from sqlalchemy.sql.base import ExecutableOption

from taskmanager import tenancy
from taskmanager.accounts.identity import Someone
from taskmanager.accounts.models import User
from taskmanager.activity import services as activity
from taskmanager.errors import Conflict
from taskmanager.errors import NotFound
from taskmanager.errors import Unprocessable
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.orgs.models import Membership
from taskmanager.orgs.models import Organization
from taskmanager.orgs.schemas import OrgCreate
from taskmanager.orgs.schemas import OrgDelete
from taskmanager.policy import Action
from taskmanager.policy import Role
from taskmanager.policy import require

Owned = TypeVar("Owned", bound=tenancy.TenantScoped)
RESERVED_SLUGS = {"new", "admin", "api", "static", "settings"}


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:50]
    return slug or "team"


def memberships_query(user: Someone) -> Select[Membership]:
    """The user's memberships, by organization name (a page of them, or all)."""
    return (
        select(Membership)
        .join(Membership.organization)
        .where(Membership.user_id == user.id)
        .order_by(func.lower(Organization.name))
    )


def memberships_of(user: Someone) -> list[Membership]:
    return list(db.session.scalars(memberships_query(user)))


def enter_all(*, user: Someone) -> list[Membership]:
    """The user's memberships, scoping the rest of the request to all their organizations.

    The one way into the "all my organizations" scope (the dashboard, tasks across
    organizations): views never enter a scope themselves.
    """
    memberships = memberships_of(user)
    tenancy.enter(m.organization_id for m in memberships)
    return memberships


def access(*, user: Someone, slug: str | None = None, org_id: int | None = None) -> Membership:
    """The caller's membership in an organization, scoping this request to it.

    Raises:
        NotFound: no such organization, or the user is not a member of it.
    """
    query = select(Membership).join(Membership.organization).where(Membership.user_id == user.id)
    if slug is not None:
        query = query.where(Organization.slug == slug)
    else:
        query = query.where(Organization.id == org_id)
    membership = db.session.scalar(query)
    if membership is None:
        raise NotFound("No such organization, or you are not a member of it.")
    tenancy.enter({membership.organization_id})
    return membership


def member_join(
    organization_id: SQLColumnExpression[int], user_id: SQLColumnExpression[int]
) -> ColumnElement[bool]:
    """Join Membership on "``user_id`` is a member of ``organization_id`` now".

    A row joined this way counts only while its person still belongs to its
    organization: someone removed stops following, hearing and seeing at once.
    """
    return and_(Membership.organization_id == organization_id, Membership.user_id == user_id)


@functools.cache
def _membership_with(model: Any, options: tuple[ExecutableOption, ...]) -> Select[Any]:
    # Every API request by id runs one of these: built once per model, bound per call.
    # The membership's user loads when asked for, not joined in: it is the caller, whom
    # a write has in the session already and a read rarely asks for.
    return (
        select(Membership, model)
        .join(model, model.organization_id == Membership.organization_id)
        .where(model.id == bindparam("object_id"), Membership.user_id == bindparam("user_id"))
        .options(lazyload(Membership.user), *options)
    )


def access_with(
    *,
    user: Someone,
    model: type[Owned],
    object_id: int,
    options: Sequence[ExecutableOption] = (),
) -> tuple[Membership, Owned]:
    """The caller's membership in the organization owning a row, and the row.

    One statement: the membership joined to the row. ``options`` apply to the row
    (``undefer(Task.comment_count)``). Scopes the rest of the request to that
    organization, as ``access`` does.

    Raises:
        NotFound: no such row, or it belongs to an organization the user is not in.
    """
    query = _membership_with(cast(Hashable, model), tuple(options))
    # The join to the caller's own membership is this statement's tenant filter: the
    # net cannot know the scope yet, it is what the statement finds out.
    with tenancy.system():
        found = db.session.execute(query, {"object_id": object_id, "user_id": user.id}).first()
    if found is None:
        raise NotFound()
    membership: Membership = found[0]
    tenancy.enter({membership.organization_id})
    return membership, found[1]


def access_for(*, user: Someone, model: type[tenancy.TenantScoped], object_id: int) -> Membership:
    """The caller's membership in the organization owning a row, for ids without an org.

    Raises:
        NotFound: no such row, or it belongs to an organization the user is not in.
    """
    return access_with(user=user, model=model, object_id=object_id)[0]


def create_organization(*, owner: User, data: OrgCreate) -> Organization:
    name = data.name
    base = slugify(name)
    slug = base
    taken = set(
        db.session.scalars(select(Organization.slug).where(Organization.slug.like(f"{base}%")))
    )
    while slug in taken or slug in RESERVED_SLUGS:
        slug = f"{base}-{secrets.token_hex(2)}"
    org = Organization(name=name, slug=slug)
    db.session.add(org)
    db.session.flush()
    db.session.add(Membership(organization_id=org.id, user_id=owner.id, role=Role.OWNER.value))
    activity.record(
        organization_id=org.id, actor=owner, verb="organization.created",
        subject_type="organization", subject_id=org.id, subject_title=name,
    )  # fmt: skip
    db.session.commit()
    return org


def rename(*, actor: Membership, data: OrgCreate) -> Organization:
    require(actor.role, Action.MANAGE_ORGANIZATION)
    org = actor.organization
    old, org.name = org.name, data.name
    activity.record(
        organization_id=org.id, actor=actor.user, verb="organization.renamed",
        subject_type="organization", subject_id=org.id, subject_title=org.name,
        changes={"name": [old, org.name]},
    )  # fmt: skip
    db.session.commit()
    return org


def delete(*, actor: Membership, data: OrgDelete) -> None:
    """Delete the organization and everything in it, once its slug is typed back."""
    require(actor.role, Action.MANAGE_ORGANIZATION)
    org = actor.organization
    if data.confirm.strip() != org.slug:
        raise Unprocessable(
            f'Type the organization\'s identifier "{org.slug}" to confirm.',
            details={"confirm": f'Type "{org.slug}" exactly.'},
        )
    db.session.delete(org)
    db.session.commit()


def members_query(organization_id: int) -> Select[Membership]:
    """An organization's members, by name."""
    return (
        select(Membership)
        .join(Membership.user)
        .where(Membership.organization_id == organization_id)
        .order_by(func.lower(User.name), User.email)
    )


def members(organization_id: int) -> list[Membership]:
    return list(db.session.scalars(members_query(organization_id)))


def member(organization_id: int, user_id: int) -> Membership:
    found = db.session.scalar(
        select(Membership).where(
            Membership.organization_id == organization_id, Membership.user_id == user_id
        )
    )
    if found is None:
        raise NotFound("That person is not a member of this organization.")
    return found


def _owner_count(organization_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(
                Membership.organization_id == organization_id, Membership.role == Role.OWNER.value
            )
        )
        or 0
    )


def change_role(*, actor: Membership, user_id: int, role: str) -> Membership:
    """Change a member's role. Admins manage everyone but owners; one owner always stays."""
    # Who first: someone outside the organization is 404 whatever the form said.
    target = member(actor.organization_id, user_id)
    try:
        new_role = Role(role)
    except ValueError:
        raise ValidationFailed(details={"role": "Choose owner, admin, member or viewer."}) from None
    require(actor.role, Action.MANAGE_MEMBERS)
    if Role.OWNER in (new_role, Role(target.role)):
        require(actor.role, Action.MANAGE_OWNERS)
    if (
        target.role == Role.OWNER
        and new_role != Role.OWNER
        and _owner_count(target.organization_id) == 1
    ):
        raise Conflict("An organization needs an owner: make someone else owner first.")
    old, target.role = target.role, new_role.value
    activity.record(
        organization_id=actor.organization_id, actor=actor.user, verb="member.role_changed",
        subject_type="member", subject_id=user_id, subject_title=target.user.display_name,
        changes={"role": [old, new_role.value]},
    )  # fmt: skip
    db.session.commit()
    return target


def remove_member(*, actor: Membership, user_id: int) -> None:
    """Remove a member (or leave, when ``user_id`` is the actor's own)."""
    target = member(actor.organization_id, user_id)
    if target.user_id != actor.user_id:
        require(actor.role, Action.MANAGE_MEMBERS)
        if target.role == Role.OWNER:
            require(actor.role, Action.MANAGE_OWNERS)
    if target.role == Role.OWNER and _owner_count(target.organization_id) == 1:
        raise Conflict("The last owner cannot leave: transfer ownership first.")
    activity.record(
        organization_id=actor.organization_id, actor=actor.user, verb="member.removed",
        subject_type="member", subject_id=user_id, subject_title=target.user.display_name,
    )  # fmt: skip
    db.session.delete(target)
    db.session.commit()


def transfer_ownership(*, actor: Membership, user_id: int) -> Membership:
    """Make another member the owner; the current owner becomes an admin."""
    require(actor.role, Action.MANAGE_ORGANIZATION)
    target = member(actor.organization_id, user_id)
    if target.user_id == actor.user_id:
        raise ValidationFailed("You already own this organization.")
    target.role = Role.OWNER.value
    actor.role = Role.ADMIN.value
    activity.record(
        organization_id=actor.organization_id, actor=actor.user, verb="organization.transferred",
        subject_type="member", subject_id=user_id, subject_title=target.user.display_name,
    )  # fmt: skip
    db.session.commit()
    return target
