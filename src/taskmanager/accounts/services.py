"""Account use cases shared by the settings pages, the CLI and (later) the API."""

from __future__ import annotations

from typing import cast

from flask_security import EmailValidateException
from flask_security import hash_password
from flask_security.registerable import register_existing
from flask_security.registerable import register_user
from sqlalchemy import bindparam
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from taskmanager import tenancy
from taskmanager.accounts import sessions
from taskmanager.accounts.models import User
from taskmanager.accounts.schemas import MeUpdate
from taskmanager.accounts.schemas import time_zones
from taskmanager.accounts.security import current_security
from taskmanager.api.models import TokenFamily
from taskmanager.db import utcnow
from taskmanager.errors import Conflict
from taskmanager.errors import NotFound
from taskmanager.errors import Unprocessable
from taskmanager.extensions import db


def normalize_email(email: str) -> str:
    return str(current_security().mail_util.normalize(email.strip()))


def find_by_email(email: str) -> User | None:
    """The account with this address; None when there is none, or it is no address."""
    try:
        normalized = normalize_email(email)
    except EmailValidateException:
        return None
    return db.session.scalar(select(User).where(User.email == normalized))


def update_profile(*, user: User, data: MeUpdate) -> User:
    """Change what ``data`` sends of the name, time zone and notification preferences.

    The schema has checked every value's shape; a field not sent, or sent as null, is
    kept.

    Raises:
        Unprocessable: a time zone this system's tzdata does not know.
    """
    if data.time_zone is not None and data.time_zone not in time_zones():
        raise Unprocessable(
            details={"time_zone": "Choose a time zone from the list, such as Europe/Paris."}
        )
    for field, value in data.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(user, field, value)
    db.session.commit()
    return user


def create_user(
    *, email: str, password: str, name: str = "", staff: bool = False, confirmed: bool = False
) -> User:
    """Create an account directly (CLI, demo). Raises Conflict if the email is taken."""
    normalized = normalize_email(email)
    if find_by_email(normalized) is not None:
        raise Conflict(f"An account for {normalized} already exists.")
    datastore = current_security().datastore
    user = datastore.create_user(
        email=normalized,
        password=hash_password(password),
        name=name,
        is_staff=staff,
        confirmed_at=utcnow() if confirmed else None,
    )
    db.session.commit()
    return cast(User, user)


def register(*, email: str, password: str, name: str = "") -> None:
    """Register as the sign-up page does: same rules, same confirmation email.

    An address already registered gets Flask-Security's "you already have an account"
    email instead and the caller sees the same success, so accounts cannot be
    enumerated.

    Raises:
        Unprocessable: an address email_validator refuses or a weak password (zxcvbn):
            checks the API's document cannot state, so 422 there.
    """
    security = current_security()
    # The same choice as Flask-Security's register view (RegisterFormV2 has no
    # separate confirm form).
    form_class = security.forms["confirm_register_form"].cls or security.forms["register_form"].cls
    assert form_class is not None  # Flask-Security always configures the register form
    # A client sends the password once; retyping it is a form's concern.
    fields = {"email": email, "password": password, "password_confirm": password}
    form = form_class(formdata=MultiDict(fields), meta={"csrf": False})
    if form.validate():
        user = register_user(form)
        user.name = name.strip()[:120]
    elif not register_existing(form):
        raise Unprocessable(
            details={field: str(messages[0]) for field, messages in form.errors.items()}
        )
    db.session.commit()


def deactivate(*, email: str) -> User:
    """Block sign-in and end every session of the account. Raises NotFound."""
    user = find_by_email(email)
    if user is None:
        raise NotFound(f"No account for {email}.")
    user.active = False
    sessions.end_everywhere(user)
    db.session.commit()
    return user


def sign_out_elsewhere(*, user: User) -> None:
    """End every other session and every API credential (tokens, personal tokens)."""
    sessions.end_everywhere(user, keep_current=True)
    db.session.commit()


# An access token's family is live and names this user: the check every API request
# runs (api/bearer.py reads two columns with it; a write loads the account below).
LIVE_TOKEN = (
    TokenFamily.id == bindparam("family"),
    TokenFamily.revoked_at.is_(None),
    User.id == bindparam("user"),
)
# An API write's caller, which it records as the actor, in one statement built once.
_TOKEN_ACCOUNT = select(User).join(TokenFamily, TokenFamily.user_id == User.id).where(*LIVE_TOKEN)


def token_account(*, family: int, user: int) -> User | None:
    """The account an access token of ``family`` speaks for; None once it is revoked."""
    # Users and token families are no tenant's rows: the net has nothing to filter
    # here, and its criteria were a third of this statement's CPU (issue 17).
    with tenancy.system():
        return db.session.scalar(_TOKEN_ACCOUNT, {"family": family, "user": user})
