"""Request ids and access logs (the foundations/ middleware), and JSON logs in production.

Every request gets an id (kept from a sane incoming ``X-Request-ID``, as nginx sends,
or made here), echoed in the response, shown on error pages and attached to every
log line of that request together with the user, so an error a user reports can be
found in the logs.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from flask import Flask
from flask import Response
from flask import g
from flask import has_request_context
from flask import request

from foundations.middleware import REQUEST_ID_KEY
from foundations.middleware import LoggingMiddleware
from foundations.middleware import RequestIdMiddleware

USER_KEY = "taskmanager.user_id"
ACCESS_LOGGER = "taskmanager.access"
# LogRecord attributes that are the record's own, not extra fields worth emitting.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}
SECRET_FIELDS = {"password", "token", "secret", "authorization", "cookie"}


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = "[redacted]" if key.lower() in SECRET_FIELDS else value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class RequestContextFilter(logging.Filter):
    """Adds the current request id and user id to records logged during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = getattr(record, "request_id", None) or request.environ.get(
                REQUEST_ID_KEY
            )
            record.user_id = getattr(record, "user_id", None) or request.environ.get(USER_KEY)
        return True


def _access_fields(environ: dict[str, Any]) -> dict[str, object]:
    return {"user_id": environ.get(USER_KEY)}


def configure_logging(app: Flask) -> None:
    if not app.config.get("JSON_LOGS"):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JSONFormatter())
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))


def init_app(app: Flask) -> None:
    configure_logging(app)

    @app.before_request
    def remember_request_id() -> None:
        g.request_id = request.environ.get(REQUEST_ID_KEY)

    @app.after_request
    def remember_user(response: Response) -> Response:
        # Read by the access log once the response is sent; the id only, never the email.
        # Only a user sign-in already loaded (Flask-Login keeps it in g): a probe must
        # not load one for its log line.
        user = g.get("_login_user")
        if user is not None and user.is_authenticated:
            request.environ[USER_KEY] = user.id
        return response

    access_log = logging.getLogger(ACCESS_LOGGER)
    wrapped = LoggingMiddleware(app.wsgi_app, logger=access_log, fields=_access_fields)
    # Behind a proxy the incoming id is the proxy's; straight from clients, make our own.
    app.wsgi_app = RequestIdMiddleware(  # type: ignore[method-assign]
        wrapped, trust_incoming=bool(app.config["PROXY_COUNT"])
    )
