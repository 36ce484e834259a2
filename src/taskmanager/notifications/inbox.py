"""A person's in-app notifications: the bell's count, the list, marking them read.

Everything here is the caller's own items, in organizations they still belong to:
the list runs in the scope of all their memberships (``orgs.enter_all``), and the
count joins the membership itself, so leaving an organization hides its items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from taskmanager import tenancy
from taskmanager.accounts.identity import Someone
from taskmanager.accounts.models import User
from taskmanager.db import loaded_after_commit
from taskmanager.db import utcnow
from taskmanager.errors import NotFound
from taskmanager.extensions import db
from taskmanager.notifications.models import Notification
from taskmanager.orgs import services as orgs
from taskmanager.orgs.models import Membership
from taskmanager.orgs.models import Organization


@dataclass
class Item:
    """One notification as the pages and the API show it."""

    notification: Notification
    org_slug: str
    was_unread: bool


@dataclass
class Inbox:
    items: list[Item]
    total: int
    unread: int  # unread after this look, all pages


def unread_count(*, user: User) -> int:
    """The bell's number: unread items in the user's current organizations."""
    query = (
        select(func.count())
        .select_from(Notification)
        .join(Membership, orgs.member_join(Notification.organization_id, Notification.user_id))
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )
    # The join to the user's own memberships is this statement's tenant filter, as in
    # orgs.services.access_with: the bell shows on pages outside any organization.
    with tenancy.system():
        return db.session.scalar(query) or 0


def _mine(user: Someone, org_ids: Sequence[int]) -> Select[Notification, str]:
    return (
        select(Notification, Organization.slug)
        .join(Organization, Organization.id == Notification.organization_id)
        .where(Notification.user_id == user.id, Notification.organization_id.in_(org_ids))
    )


def look(
    *, user: Someone, page: int = 1, per_page: int = 20, unread_only: bool = False,
    mark_read: bool = False,
) -> Inbox:  # fmt: skip
    """A page of the user's items, newest first.

    With ``mark_read`` (the pages: opening the list reads it) the items shown are
    marked read, and each says whether it was unread before this look.
    """
    org_ids = [m.organization_id for m in orgs.enter_all(user=user)]
    query = _mine(user, org_ids)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.execute(
        query.order_by(Notification.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    items = [Item(row[0], row[1], row[0].read_at is None) for row in rows]
    if mark_read:
        _mark(user, org_ids, [item.notification.id for item in items if item.was_unread])
    unread = db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.organization_id.in_(org_ids),
            Notification.read_at.is_(None),
        )
    )
    return Inbox(items=items, total=total, unread=unread or 0)


def _mark(user: Someone, org_ids: Sequence[int], ids: Sequence[int] | None) -> int:
    """Mark the user's unread items read (only ``ids`` when given); commit; how many."""
    if ids is not None and not ids:
        return 0
    statement = update(Notification).where(
        Notification.user_id == user.id,
        Notification.organization_id.in_(org_ids),
        Notification.read_at.is_(None),
    )
    if ids is not None:
        statement = statement.where(Notification.id.in_(ids))
    result = db.session.execute(
        statement.values(read_at=utcnow()).execution_options(synchronize_session=False)
    )
    with loaded_after_commit(db.session()):  # the items shown stay loaded
        db.session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def mark_all_read(*, user: User) -> int:
    """Mark every unread item of the user read; how many were."""
    org_ids = [m.organization_id for m in orgs.enter_all(user=user)]
    return _mark(user, org_ids, None)


def mark_read(*, user: User, notification_id: int) -> Item:
    """Mark one of the user's items read (again is fine).

    Raises:
        NotFound: no such item, someone else's, or of an organization the user left.
    """
    org_ids = [m.organization_id for m in orgs.enter_all(user=user)]
    row = db.session.execute(_mine(user, org_ids).where(Notification.id == notification_id)).first()
    if row is None:
        raise NotFound("No such notification.")
    item = Item(row[0], row[1], row[0].read_at is None)
    if item.was_unread:
        item.notification.read_at = utcnow()
        with loaded_after_commit(db.session()):
            db.session.commit()
    return item
