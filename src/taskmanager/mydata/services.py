"""Your data: export everything you own or wrote, or delete your account.

A deleted account leaves a tombstone user row named "deleted user" with no email,
password, sessions, tokens or memberships: the tasks, comments and history it wrote
stay with their organizations and keep their author, shown as "deleted user". An
organization cannot be left without an owner, so its last owner must transfer or
delete it first.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import current_app
from flask_security import verify_and_update_password
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select

from taskmanager.accounts import sessions
from taskmanager.accounts.identity import Someone
from taskmanager.accounts.models import User
from taskmanager.accounts.models import user_roles
from taskmanager.db import utcnow
from taskmanager.errors import Conflict
from taskmanager.errors import NotFound
from taskmanager.errors import Unprocessable
from taskmanager.extensions import db
from taskmanager.jobs import enqueue_after_commit
from taskmanager.mydata import tokens
from taskmanager.mydata.jobs import build_export
from taskmanager.mydata.models import DataExport
from taskmanager.orgs.models import Membership
from taskmanager.orgs.models import Organization

DELETED_NAME = "deleted user"


def request_export(*, user: User) -> DataExport:
    """Queue an export; one asked for recently and still under way is returned instead.

    One queued for longer than ``JOB_STALE_SECONDS`` was lost (its job never reached a
    worker): it is marked failed and a new one is queued.
    """
    running = db.session.scalar(
        select(DataExport).where(DataExport.user_id == user.id, DataExport.state == "queued")
    )
    if running is not None:
        stale = timedelta(seconds=int(current_app.config["JOB_STALE_SECONDS"]))
        if utcnow() - running.created_at < stale:
            return running
        running.state = "failed"
    export = DataExport(user_id=user.id)
    db.session.add(export)
    db.session.flush()
    enqueue_after_commit(build_export, export_id=export.id)
    db.session.commit()
    return export


def get_export(*, user: Someone, export_id: int) -> DataExport:
    """The user's own export ``export_id``; anyone else's is NotFound."""
    export = db.session.get(DataExport, export_id)
    if export is None or export.user_id != user.id:
        raise NotFound("No such export.")
    return export


def ready_export(*, user: Someone, export_id: int) -> DataExport:
    """The user's own finished export.

    Raises:
        NotFound: someone else's export, or an expired one.
        Conflict: one not built yet (it exists: its state says when it is done).
    """
    export = get_export(user=user, export_id=export_id)
    if export.state != "done" or export.archive is None:
        raise Conflict("This export is not ready yet; you will get an email when it is.")
    if export.expires_at is not None and export.expires_at < utcnow():
        raise NotFound("This export has expired; ask for a new one.")
    return export


def export_for_token(*, user: User, token: str) -> DataExport:
    """The export a link names, if the link is genuine, unexpired and ``user``'s own.

    Raises:
        NotFound: a forged, expired or someone else's link.
        Conflict: an export not ready yet.
    """
    claims = tokens.read(token)
    if claims.get("user") != user.id:
        raise NotFound("This download link belongs to another account.")
    return ready_export(user=user, export_id=int(claims["export"]))


def last_owner_of(user: User) -> list[Organization]:
    """The organizations that would have no owner left without ``user``."""
    owned = select(Membership.organization_id).where(
        Membership.user_id == user.id, Membership.role == "owner"
    )
    owners = (
        select(Membership.organization_id)
        .where(Membership.organization_id.in_(owned), Membership.role == "owner")
        .group_by(Membership.organization_id)
        .having(func.count() == 1)
    )
    return list(
        db.session.scalars(
            select(Organization).where(Organization.id.in_(owners)).order_by(Organization.name)
        )
    )


def delete_account(*, user: User, password: str) -> None:
    """Delete ``user``'s account, keeping what they wrote with their organizations.

    Ends every session and API credential, drops their memberships and exports, and
    wipes the row down to a "deleted user" tombstone.

    Raises:
        Unprocessable: the password is wrong.
        Conflict: they are the last owner of an organization (the message names it).
    """
    if not password or not verify_and_update_password(password, user):
        raise Unprocessable(details={"password": "That is not your password."})
    blocking = last_owner_of(user)
    if blocking:
        names = ", ".join(org.name for org in blocking)
        raise Conflict(
            f"You are the last owner of {names}. Transfer ownership or delete "
            f"{'it' if len(blocking) == 1 else 'them'} first, then delete your account.",
            details={"organizations": [org.slug for org in blocking]},
        )
    sessions.end_everywhere(user)
    db.session.execute(delete(Membership).where(Membership.user_id == user.id))
    db.session.execute(delete(DataExport).where(DataExport.user_id == user.id))
    db.session.execute(delete(user_roles).where(user_roles.c.user_id == user.id))
    user.email = f"deleted-{user.id}-{uuid.uuid4().hex[:8]}@deleted.invalid"
    user.name = DELETED_NAME
    user.password = None
    user.active = False
    user.is_staff = False
    user.fs_uniquifier = uuid.uuid4().hex
    user.calendar_token_hash = None
    user.tf_primary_method = user.tf_totp_secret = user.tf_phone_number = None
    user.mf_recovery_codes = None
    user.notify_assigned = user.notify_mentions = user.weekly_summary = False
    user.reminder_hours = 0
    db.session.commit()
