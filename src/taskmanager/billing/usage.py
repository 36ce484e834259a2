"""What an organization uses against its plan, and the checks that keep it within.

Services call ``require_room`` before they add a member (an invitation counts from
the moment it is sent) or a project. The checks only ever block growth: nothing
already stored is touched when a plan lapses or a limit is lowered.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func
from sqlalchemy import select

from taskmanager.attachments import services as attachment_services
from taskmanager.billing.plans import MB
from taskmanager.billing.plans import Plan
from taskmanager.billing.plans import limits_for
from taskmanager.db import utcnow
from taskmanager.errors import PlanLimitReached
from taskmanager.extensions import db
from taskmanager.orgs.models import Invitation
from taskmanager.orgs.models import Membership
from taskmanager.orgs.models import Organization
from taskmanager.projects.models import Project


class Limit(StrEnum):
    MEMBERS = "members"
    PROJECTS = "projects"
    STORAGE = "storage_bytes"


@dataclass(frozen=True)
class Meter:
    """One limit: how much is used, and how much the plan in force allows (None: no cap)."""

    used: int
    limit: int | None

    @property
    def percent(self) -> int:
        if not self.limit:
            return 0
        return min(100, round(100 * self.used / self.limit))

    @property
    def full(self) -> bool:
        return self.limit is not None and self.used >= self.limit


@dataclass(frozen=True)
class Usage:
    plan: Plan  # the limits in force (free when a paid plan lapsed)
    members: Meter
    projects: Meter
    storage_bytes: Meter


def member_count(organization_id: int) -> int:
    """Members plus invitations still open: a sent invitation holds a seat."""
    members = db.session.scalar(
        select(func.count()).where(Membership.organization_id == organization_id)
    )
    pending = db.session.scalar(
        select(func.count()).where(
            Invitation.organization_id == organization_id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
    )
    return (members or 0) + (pending or 0)


def membership_count(organization_id: int) -> int:
    found = db.session.scalar(
        select(func.count()).where(Membership.organization_id == organization_id)
    )
    return found or 0


def project_count(organization_id: int) -> int:
    """Active projects; archived ones are kept, readable, and do not count."""
    found = db.session.scalar(
        select(func.count()).where(
            Project.organization_id == organization_id, Project.archived.is_(False)
        )
    )
    return found or 0


def storage_used(organization_id: int) -> int:
    """Bytes of attachments stored for the organization (the attachments' own count)."""
    return attachment_services.storage_used(organization_id)


def usage(org: Organization) -> Usage:
    plan = limits_for(org)
    return Usage(
        plan=plan,
        members=Meter(member_count(org.id), plan.members),
        projects=Meter(project_count(org.id), plan.projects),
        storage_bytes=Meter(storage_used(org.id), plan.storage_bytes),
    )


_NOUNS = {Limit.MEMBERS: "members", Limit.PROJECTS: "active projects"}
_HINTS = {
    Limit.MEMBERS: "Pending invitations count too: revoke one, remove a member, or",
    Limit.PROJECTS: "Archive a project, or",
}


def _human(limit: Limit, amount: int) -> str:
    if limit is Limit.STORAGE:
        return f"{amount // MB} MB"
    return f"{amount} {_NOUNS[limit]}"


def require_room(
    org: Organization, limit: Limit, *, adding: int = 1, used: int | None = None
) -> None:
    """Refuse to grow past the plan in force.

    ``used`` overrides the count, for a caller that knows better (accepting an
    invitation turns a seat already held into a member, so only members count).

    The organization's row is locked first (PostgreSQL), so two invitations sent at
    the same moment cannot both take the last seat.

    Raises:
        PlanLimitReached: ``details`` names the limit, what is used and what is allowed.
    """
    db.session.execute(
        select(Organization.id).where(Organization.id == org.id).with_for_update()
    ).all()
    plan = limits_for(org)
    allowed: int | None = getattr(plan, limit.value)
    if allowed is None:
        return
    if used is None:
        used = {
            Limit.MEMBERS: member_count,
            Limit.PROJECTS: project_count,
            Limit.STORAGE: storage_used,
        }[limit](org.id)
    if used + adding <= allowed:
        return
    lapsed = org.plan != plan.name.value
    why = (
        f"Your {org.plan.title()} subscription is "
        f"{(org.subscription_status or 'not active').replace('_', ' ')}, "
        "so the Free plan's limits apply"
        if lapsed
        else f"The {plan.name.value.title()} plan allows {_human(limit, allowed)}"
    )
    way_up = (
        "upgrade to Pro on the Billing page."
        if plan.name.value == "free"
        else ("contact us for a larger plan.")
    )
    raise PlanLimitReached(
        f"{why} and this organization has {_human(limit, used)}. {_HINTS.get(limit, 'Or')} "
        f"{way_up}",
        details={"limit": limit.value, "used": used, "allowed": allowed, "plan": plan.name.value},
    )
