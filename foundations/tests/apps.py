"""The three apps under test, and the middleware chain they are tested in."""

from __future__ import annotations

from collections.abc import Callable
from wsgiref.types import WSGIApplication

from foundations import flask_app
from foundations import raw_wsgi
from foundations import werkzeug_app
from foundations.middleware import default_chain
from foundations.middleware import static_credentials

USERNAME = "admin"
PASSWORD = "secret"

APPS: dict[str, Callable[[], WSGIApplication]] = {
    "raw_wsgi": raw_wsgi.create_app,
    "werkzeug_app": werkzeug_app.create_app,
    "flask_app": flask_app.create_app,
}


def wrap(app: WSGIApplication) -> WSGIApplication:
    """``app`` inside the chain ``python -m foundations.<app> --with-middleware`` uses."""
    return default_chain(app, check=static_credentials(USERNAME, PASSWORD))
