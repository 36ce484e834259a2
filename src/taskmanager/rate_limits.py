"""Rate limiting with Flask-Limiter, one limiter per app.

Flask-Limiter keeps its storage on the Limiter object, so a module-level limiter
shared by several apps (tests build many) would leave every app on the storage of
the last one configured. Each app gets its own, kept in ``app.extensions``.
"""

from __future__ import annotations

from flask import Flask
from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

KEY = "taskmanager.limiter"


def init_app(app: Flask) -> Limiter:
    # Storage comes from RATELIMIT_STORAGE_URI: Redis in production, memory in development.
    limiter = Limiter(key_func=get_remote_address, app=app, default_limits=[])
    app.extensions[KEY] = limiter
    return limiter


def limiter_for(app: Flask | None = None) -> Limiter:
    limiter: Limiter = (app or current_app).extensions[KEY]
    return limiter
