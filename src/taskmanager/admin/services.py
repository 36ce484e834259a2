"""What staff may do to accounts from /admin; every action is recorded.

Staff tools call the same account services as the CLI, so deactivating from the
admin and ``flask users deactivate`` end sessions and API tokens the same way.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from flask_security.confirmable import send_confirmation_instructions

from taskmanager import tenancy
from taskmanager.accounts import services as accounts
from taskmanager.accounts.models import User
from taskmanager.admin.models import StaffAction
from taskmanager.errors import Conflict
from taskmanager.extensions import db


def staff_scope() -> AbstractContextManager[None]:
    """Every tenant visible: staff look across organizations on purpose."""
    return tenancy.system()


def record(*, staff: User, action: str, target: User | None = None, label: str = "") -> None:
    """Add a staff action to the log, in the caller's transaction."""
    db.session.add(
        StaffAction(
            staff_id=staff.id,
            staff_email=staff.email,
            action=action,
            target_type="user" if target is not None else "",
            target_id=target.id if target is not None else None,
            target_label=(target.email if target is not None else label)[:320],
        )
    )


def deactivate(*, staff: User, user: User) -> None:
    """Block sign-in and end every web session and API token of ``user``.

    Raises:
        Conflict: staff cannot lock themselves out.
    """
    if user.id == staff.id:
        raise Conflict("You cannot deactivate your own account.")
    record(staff=staff, action="user.deactivated", target=user)
    # The same path as `flask users deactivate`: web sessions end, refresh-token
    # families are revoked (their access tokens with them), personal tokens deleted.
    accounts.deactivate(email=user.email)  # commits


def activate(*, staff: User, user: User) -> None:
    if user.active:
        return
    user.active = True
    record(staff=staff, action="user.activated", target=user)
    db.session.commit()


def resend_confirmation(*, staff: User, user: User) -> None:
    """Send the confirmation email again (queued, delivered by the worker).

    Raises:
        Conflict: the address is already confirmed.
    """
    if user.confirmed_at is not None:
        raise Conflict(f"{user.email} is already confirmed.")
    send_confirmation_instructions(user)
    record(staff=staff, action="user.confirmation_resent", target=user)
    db.session.commit()
