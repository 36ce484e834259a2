"""The API's one authentication scheme: ``Authorization: Bearer <token>``.

Cookies are never read on /api/v1: a view protected here knows its caller only
from the bearer token, so cross-site requests carry no authority and need no CSRF.
"""

from __future__ import annotations

from typing import cast

from apiflask import HTTPTokenAuth

from taskmanager.accounts.models import User
from taskmanager.api import tokens
from taskmanager.errors import auth_refused

bearer = HTTPTokenAuth(
    scheme="Bearer",
    description="An access token from POST /auth/tokens, or a personal API token.",
)


@bearer.verify_token
def _verify(token: str) -> User:
    # Raises Unauthorized / TokenExpired itself, so errors.py answers in the one shape.
    return tokens.authenticate(token)


bearer.error_processor(auth_refused)


def caller() -> User:
    """The user the request's bearer token speaks for (inside a protected view)."""
    return cast(User, bearer.current_user)
