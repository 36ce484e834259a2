"""The API's one authentication scheme: ``Authorization: Bearer <token>``.

Cookies are never read on /api/v1: a view protected here knows its caller only
from the bearer token, so cross-site requests carry no authority and need no CSRF.
"""

from __future__ import annotations

from typing import Any
from typing import cast

from apiflask import HTTPTokenAuth
from flask import request
from sqlalchemy import select

from taskmanager.accounts import services as accounts
from taskmanager.accounts.identity import Caller
from taskmanager.accounts.identity import Someone
from taskmanager.accounts.models import User
from taskmanager.api import tokens
from taskmanager.api.models import PersonalToken
from taskmanager.api.models import TokenFamily
from taskmanager.db import utcnow
from taskmanager.errors import Unauthorized
from taskmanager.errors import auth_refused
from taskmanager.extensions import db

bearer = HTTPTokenAuth(
    scheme="Bearer",
    description="An access token from POST /auth/tokens, or a personal API token.",
)


# The family's check and the user in one statement, which every API request runs:
# built once, with bound parameters. A read needs only two columns of the user (here);
# a write loads the account (accounts.token_account), which it records as the actor.
_IDENTITY = (
    select(User.id, User.time_zone, User.active)
    .join(TokenFamily, TokenFamily.user_id == User.id)
    .where(*accounts.LIVE_TOKEN)
)


def _access_claims(token: str) -> dict[str, Any]:
    if not token:
        raise Unauthorized("Send an access token: Authorization: Bearer <token>.")
    claims = tokens.decode(token, expected_type="access")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.isdigit():
        raise Unauthorized("The token is not valid.")
    return {"family": claims["fam"], "user": int(subject)}


def _live(found: Any) -> None:
    if found is None:
        raise Unauthorized("This sign-in was revoked; sign in again.")
    if not found.active:
        raise Unauthorized("The account is not active.")


def authenticate(token: str) -> User:
    """The user a bearer token (access JWT or personal token) speaks for.

    Raises:
        TokenExpired: an access token past its 15 minutes.
        Unauthorized: anything else that is not a valid, live token.
    """
    if token.startswith(tokens.PERSONAL_PREFIX):
        personal = db.session.scalar(
            select(PersonalToken).where(PersonalToken.token_hash == tokens.sha256(token))
        )
        if personal is None or not personal.user.active:
            raise Unauthorized("The token is not valid.")
        personal.last_used_at = utcnow()
        db.session.commit()
        return personal.user
    user = accounts.token_account(**_access_claims(token))
    _live(user)
    return cast(User, user)


def identify(token: str) -> Someone:
    """Who a bearer token speaks for, checked as ``authenticate`` does, account unloaded.

    Raises:
        TokenExpired, Unauthorized: as ``authenticate``.
    """
    if token.startswith(tokens.PERSONAL_PREFIX):
        return authenticate(token)
    # Users and token families are no tenant's rows: nothing for the tenancy net to
    # filter, so the statement skips the ORM (its per-statement work was most of it).
    found = db.session.connection().execute(_IDENTITY, _access_claims(token)).first()
    _live(found)
    assert found is not None
    return Caller(id=found.id, time_zone=found.time_zone)


# Reads ask only who is calling; a write records its caller as the actor, so the
# account is loaded with the check, in the same statement.
_READS = frozenset({"GET", "HEAD", "OPTIONS"})


@bearer.verify_token
def _verify(token: str) -> Someone:
    # Raises Unauthorized / TokenExpired itself, so errors.py answers in the one shape.
    if request.method in _READS:
        return identify(token)
    return authenticate(token)


bearer.error_processor(auth_refused)


def who() -> Someone:
    """Who the request's bearer token speaks for (inside a protected view)."""
    current = bearer.current_user
    if current is None:  # only outside a view protected by ``bearer``
        raise RuntimeError("who() is for views behind @auth_required(bearer).")
    found: Someone = current
    return found


def caller() -> User:
    """The account the request's bearer token speaks for (inside a protected view).

    A read checked the token without loading the account: the first call loads it, in
    one statement, and the session keeps it for the rest of the request.
    """
    current = who()
    if isinstance(current, User):
        return current
    return db.session.get_one(User, current.id)
