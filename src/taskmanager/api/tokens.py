"""API credentials: sign in for a token pair, rotate, revoke; personal tokens.

Access tokens are JWTs valid 15 minutes; refresh tokens are JWTs valid 30 days that
rotate on every use inside a ``TokenFamily``. Personal tokens are random strings, kept
only as hashes. ``bearer.authenticate`` accepts either kind of bearer token and nothing
else: a JWT must carry ``exp``, the API's audience, our algorithm and signature, and be
an access token of a live family.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_jwt_extended import create_access_token
from flask_jwt_extended import create_refresh_token
from flask_jwt_extended import decode_token
from flask_jwt_extended.exceptions import JWTExtendedException
from flask_security import hash_password
from flask_security import verify_and_update_password
from jwt import ExpiredSignatureError
from jwt import PyJWTError
from sqlalchemy import select
from sqlalchemy import update

from taskmanager.accounts.models import User
from taskmanager.accounts.security import current_security
from taskmanager.accounts.services import find_by_email
from taskmanager.api.models import PersonalToken
from taskmanager.api.models import TokenFamily
from taskmanager.db import utcnow
from taskmanager.errors import Forbidden
from taskmanager.errors import Unauthorized
from taskmanager.extensions import db

ACCESS_LIFETIME = timedelta(minutes=15)
REFRESH_LIFETIME = timedelta(days=30)
PERSONAL_PREFIX = "tmp_"
BAD_CREDENTIALS = "The email or password is not right."


class TokenExpired(Unauthorized):
    code = "token_expired"
    default_message = "The access token has expired; refresh it or sign in again."


class EmailNotConfirmed(Forbidden):
    code = "email_not_confirmed"
    default_message = "Confirm your email address first: follow the link we sent you."


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _pair(user: User, family: TokenFamily) -> TokenPair:
    identity = str(user.id)
    claims = {"fam": family.id}
    access = create_access_token(
        identity, additional_claims=claims, expires_delta=ACCESS_LIFETIME, fresh=False
    )
    refresh = create_refresh_token(
        identity,
        additional_claims={**claims, "jti": family.current_jti},
        expires_delta=REFRESH_LIFETIME,
    )
    return TokenPair(access, refresh, int(ACCESS_LIFETIME.total_seconds()))


def _verify_otp(user: User, otp: str | None) -> None:
    if not user.tf_primary_method or not user.tf_totp_secret:
        return
    if not otp:
        raise Unauthorized(
            "This account uses two-factor sign-in: send the 6-digit code as otp.",
            details={"otp": "Required for this account."},
        )
    factory = current_security()._totp_factory
    if not factory.verify_totp(token=otp, totp_secret=user.tf_totp_secret, user=user, window=1):
        raise Unauthorized("The two-factor code is not right.", details={"otp": "Not valid."})


def sign_in(*, email: str, password: str, otp: str | None = None) -> TokenPair:
    """A new token family for the account these credentials prove.

    Raises:
        Unauthorized: unknown email, wrong password or code, inactive account; the
            answer is the same for an unknown email and a wrong password.
        EmailNotConfirmed: the right password for an account not yet confirmed.
    """
    user = find_by_email(email)
    if user is None or not user.password:
        hash_password(password)  # as slow as a real check: no timing oracle
        raise Unauthorized(BAD_CREDENTIALS)
    if not verify_and_update_password(password, user) or not user.active:
        raise Unauthorized(BAD_CREDENTIALS)
    if user.confirmed_at is None:
        raise EmailNotConfirmed()
    _verify_otp(user, otp)
    family = TokenFamily(user_id=user.id, current_jti=str(uuid.uuid4()))
    db.session.add(family)
    db.session.flush()
    pair = _pair(user, family)
    db.session.commit()
    return pair


# Verified tokens, newest last. A client sends the same access token for its 15
# minutes, and PyJWT's checks (signature, audience, a per-character alphabet check of
# each segment) cost more Python than the rest of an API request; the rate limiter and
# the authentication both need the claims. Only the signature check is remembered:
# expiry is checked again at each use, and the family (revocation) read each time.
_VERIFIED: dict[tuple[str, str, str], dict[str, Any]] = {}
_VERIFIED_MAX = 4096


def verified_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT this app signed, as ``decode_token`` returns them.

    Raises:
        ExpiredSignatureError: past its ``exp``.
        PyJWTError, JWTExtendedException: anything else wrong with it.
    """
    config = current_app.config
    key = (str(config["SECRET_KEY"]), str(config.get("JWT_DECODE_AUDIENCE")), token)
    claims = _VERIFIED.get(key)
    if claims is None:
        claims = decode_token(token)
        if len(_VERIFIED) >= _VERIFIED_MAX:
            _VERIFIED.pop(next(iter(_VERIFIED)), None)
        _VERIFIED[key] = claims
        return claims
    leeway = config.get("JWT_DECODE_LEEWAY", 0)
    leeway = leeway.total_seconds() if isinstance(leeway, timedelta) else leeway
    expires = claims.get("exp")
    if isinstance(expires, int | float) and expires <= time.time() - leeway:
        _VERIFIED.pop(key, None)
        raise ExpiredSignatureError("Signature has expired")
    return claims


def decode(token: str, *, expected_type: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = verified_claims(token)
    except ExpiredSignatureError:
        raise TokenExpired() from None
    except PyJWTError:
        raise Unauthorized("The token is not valid.") from None
    # PyJWT accepts a token without exp unless told otherwise: a token that never
    # expires is not one we issued.
    if "exp" not in claims or claims.get("type") != expected_type or "fam" not in claims:
        raise Unauthorized("The token is not valid.")
    return claims


def _live_family(claims: dict[str, Any]) -> TokenFamily:
    family = db.session.get(TokenFamily, claims["fam"])
    if family is None or family.revoked_at is not None or str(family.user_id) != claims["sub"]:
        raise Unauthorized("This sign-in was revoked; sign in again.")
    return family


def refresh(*, refresh_token: str) -> TokenPair:
    """Rotate: the presented refresh token is spent and a new pair returned.

    Raises:
        Unauthorized: not a valid refresh token; or an already rotated one, in which
            case the whole family is revoked (someone else holds a copy).
    """
    claims = decode(refresh_token, expected_type="refresh")
    family = _live_family(claims)
    user = db.session.get(User, family.user_id)
    if user is None or not user.active:
        raise Unauthorized("The account is not active.")
    # Compare-and-swap in one statement: of parallel refreshes with the same token,
    # exactly one moves the family on. The others wait for its row lock (PostgreSQL)
    # or the write lock (SQLite), then match no row, and count as reuse.
    new_jti = str(uuid.uuid4())
    rotated = db.session.execute(
        update(TokenFamily)
        .where(
            TokenFamily.id == family.id,
            TokenFamily.current_jti == str(claims.get("jti")),
            TokenFamily.revoked_at.is_(None),
        )
        .values(current_jti=new_jti, rotated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if rotated.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        db.session.execute(
            update(TokenFamily).where(TokenFamily.id == family.id).values(revoked_at=utcnow())
        )
        db.session.commit()
        raise Unauthorized("This refresh token was already used; every token of it is revoked.")
    db.session.expire(family)  # re-read: the UPDATE bypassed the session
    pair = _pair(user, family)
    db.session.commit()
    return pair


def revoke(*, refresh_token: str) -> None:
    """Sign out: revoke the refresh token's family (its access tokens stop working too)."""
    claims = decode(refresh_token, expected_type="refresh")
    family = _live_family(claims)
    family.revoked_at = utcnow()
    db.session.commit()


def owner_id(token: str) -> int | None:
    """The id of the user a bearer token names, or None; cheaper than ``authenticate``.

    For rate-limit buckets, which are chosen before the view authenticates: a JWT's
    signature, audience and expiry are checked (so nobody can spend another user's
    budget) but not its family, and a personal token costs one indexed lookup.
    """
    if token.startswith(PERSONAL_PREFIX):
        query = select(PersonalToken.user_id).where(PersonalToken.token_hash == sha256(token))
        return db.session.scalar(query)
    try:
        claims = verified_claims(token)
    except (PyJWTError, JWTExtendedException):
        return None
    subject = claims.get("sub")
    if claims.get("type") != "access" or not isinstance(subject, str) or not subject.isdigit():
        return None
    return int(subject)
