"""Rate limiting with Flask-Limiter, one limiter per app.

Flask-Limiter keeps its storage on the Limiter object, so a module-level limiter
shared by several apps (tests build many) would leave every app on the storage of
the last one configured. Each app gets its own, kept in ``app.extensions``.
"""

from __future__ import annotations

from flask import Flask
from flask import Response
from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

KEY = "taskmanager.limiter"


def _retry_after_only_when_limited(response: Response) -> Response:
    """Flask-Limiter adds ``Retry-After`` to every answer; it means "wait" only on a 429.

    Registered before the limiter, so it runs after the limiter's own hook (Flask
    calls after-request functions in reverse order of registration).
    """
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response


def init_app(app: Flask) -> Limiter:
    app.after_request(_retry_after_only_when_limited)
    # Storage comes from RATELIMIT_STORAGE_URI: Redis in production, memory in development.
    limiter = Limiter(key_func=get_remote_address, app=app, default_limits=[])
    app.extensions[KEY] = limiter
    return limiter


def limiter_for(app: Flask | None = None) -> Limiter:
    limiter: Limiter = (app or current_app).extensions[KEY]
    return limiter
