"""Password hashing (pwdlib, Argon2) and HS256 bearer tokens (PyJWT)."""

import os
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Annotated

import jwt
from fastapi import Depends
from fastapi import Request
from fastapi import Security
from fastapi.security import APIKeyHeader
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from comparison.fastapi_blog.config import Settings
from comparison.fastapi_blog.db import SessionDep
from comparison.fastapi_blog.errors import InvalidToken
from comparison.fastapi_blog.errors import TokenExpired
from comparison.fastapi_blog.errors import TokenMissing
from comparison.fastapi_blog.models import User
from comparison.fastapi_blog.schemas import Token

# BLOG_CHEAP_PASSWORD_HASHING=1 (the black-box tests only): still Argon2, at its
# cheapest cost; otherwise pwdlib's recommended one.
password_hash = (
    PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    if os.environ.get("BLOG_CHEAP_PASSWORD_HASHING") == "1"
    else PasswordHash.recommended()
)
# The raw header (HTTPBearer would accept "bearer" in any case and hide malformed
# values); it still gives /docs its "Authorize" button.
authorization_header = APIKeyHeader(
    name="Authorization", auto_error=False, description="Bearer <access_token>"
)


def issue_token(user: User, settings: Settings) -> Token:
    now = datetime.now(UTC)
    payload = {
        "sub": str(user.id),
        "iat": now,
        "exp": now + timedelta(seconds=settings.blog_token_ttl),
    }
    token = jwt.encode(payload, settings.blog_secret_key, algorithm="HS256")
    return Token(access_token=token, expires_in=settings.blog_token_ttl)


async def current_user(
    request: Request,
    session: SessionDep,
    header: Annotated[str | None, Security(authorization_header)],
) -> User:
    """The user named by a valid bearer token, or a 401 in the contract's terms."""
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme != "Bearer":
        raise TokenMissing("Send Authorization: Bearer <token>")
    token = token.strip()
    if not token or " " in token:
        raise InvalidToken("Token is invalid")
    settings: Settings = request.app.state.settings
    try:
        payload = jwt.decode(
            token,
            settings.blog_secret_key,
            algorithms=["HS256"],
            options={"require": ["exp", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise TokenExpired("Token has expired") from None
    except jwt.InvalidTokenError:
        raise InvalidToken("Token is invalid") from None
    subject = payload["sub"]
    user = None
    if isinstance(subject, str) and subject.isascii() and subject.isdigit():
        user = await session.get(User, int(subject)) if int(subject) < 2**31 else None
    if user is None:
        raise InvalidToken("Token is invalid")
    return user


CurrentUser = Annotated[User, Depends(current_user)]
