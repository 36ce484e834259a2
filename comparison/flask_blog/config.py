"""Settings from the environment, read once by ``create_app``."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

MAX_BODY_BYTES = 65_536


def load_config() -> dict[str, Any]:
    """Map the three ``CONTRACT.md`` variables onto Flask and extension settings."""
    secret = os.environ.get("BLOG_SECRET_KEY")
    if not secret:
        raise RuntimeError("Set BLOG_SECRET_KEY: the app signs its bearer tokens with it.")
    ttl = int(os.environ.get("BLOG_TOKEN_TTL", "3600"))
    return {
        "SECRET_KEY": secret,
        # Relative SQLite paths resolve inside the instance folder (Flask-SQLAlchemy).
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", "sqlite:///flask_blog.sqlite3"),
        "JWT_SECRET_KEY": secret,
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(seconds=ttl),
        "MAX_CONTENT_LENGTH": MAX_BODY_BYTES,
    }
