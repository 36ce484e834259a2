"""Per-user rate limits on /api/v1: one budget for writes, one for reads.

The contract: writes (POST, PUT, PATCH, DELETE) 600/minute and reads 1200/minute per
user, ``X-RateLimit-*`` headers on every response, 429 ``rate_limited`` with
``Retry-After`` past the limit. Each budget is one shared Flask-Limiter bucket per
caller across every API endpoint, not one per endpoint.

Flask-Limiter checks blueprint limits before the view runs, so before the bearer
token is verified: the bucket comes from the token itself (``tokens.owner_id``), and a
request without a usable token is counted against its address. The token endpoints
keep only their own stricter limits (10/minute per address and per account): their
decorated limits override these blueprint ones.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint
from flask import Flask
from flask import current_app
from flask import g
from flask_limiter.util import get_remote_address

from taskmanager.api import tokens
from taskmanager.api.http import bearer_token
from taskmanager.rate_limits import limiter_for

WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]
READ_METHODS = ["GET", "HEAD", "OPTIONS"]
_KEY = "_api_rate_limit_key"


def caller_key() -> str:
    """The bucket of this request: ``user:<id>`` for a token's owner, else ``ip:<address>``."""
    key: str | None = g.get(_KEY)
    if key is None:
        token = bearer_token()
        user_id = tokens.owner_id(token) if token else None
        key = f"user:{user_id}" if user_id is not None else f"ip:{get_remote_address()}"
        setattr(g, _KEY, key)
    return key


# Read per request, so a changed setting applies to a running app (tests use small ones).
def _write_limit() -> str:
    return str(current_app.config["API_WRITE_RATE_LIMIT"])


def _read_limit() -> str:
    return str(current_app.config["API_READ_RATE_LIMIT"])


def _write_message() -> str:
    return (
        f"Too many changes: the limit is {_write_limit()}. "
        "Wait the number of seconds in Retry-After, then try again."
    )


def _read_message() -> str:
    return (
        f"Too many reads: the limit is {_read_limit()}. "
        "Wait the number of seconds in Retry-After, then try again."
    )


def init_app(app: Flask, blueprint_names: Iterable[str]) -> None:
    """Put every route of these blueprints under the per-user write and read budgets."""
    limiter = limiter_for(app)
    writes = limiter.shared_limit(
        _write_limit,
        scope="api-writes",
        key_func=caller_key,
        methods=WRITE_METHODS,
        error_message=_write_message,
    )
    reads = limiter.shared_limit(
        _read_limit,
        scope="api-reads",
        key_func=caller_key,
        methods=READ_METHODS,
        error_message=_read_message,
    )
    for name in blueprint_names:
        blueprint = app.blueprints[name]
        if not isinstance(blueprint, Blueprint):
            raise TypeError(f"{name} is not a Flask blueprint; Flask-Limiter cannot limit it.")
        writes(blueprint)
        reads(blueprint)
