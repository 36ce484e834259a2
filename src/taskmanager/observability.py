"""Request ids and access logs (the foundations/ middleware), and JSON logs in production.

Every request gets an id (kept from a sane incoming ``X-Request-ID``, as nginx sends,
or made here), echoed in the response, shown on error pages and attached to every
log line of that request together with the user, so an error a user reports can be
found in the logs. The id also rides along, as a Celery message header, with every
job the request publishes, and the worker's log lines for that job carry it: one id
follows a request through nginx, the app and its jobs.

Production writes JSON lines by default (``JSON_LOGS`` forces either way). Paths
are logged with one-time tokens taken out (``/reset/[redacted]``), and fields named
like a secret are redacted.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from celery import current_task
from celery.signals import before_task_publish
from flask import Flask
from flask import Response
from flask import g
from flask import has_request_context
from flask import request

from foundations.middleware import REQUEST_ID_KEY
from foundations.middleware import LoggingMiddleware
from foundations.middleware import RequestIdMiddleware
from taskmanager import tenancy
from taskmanager.config import is_production

USER_KEY = "taskmanager.user_id"
ORG_KEY = "taskmanager.org_id"
LOG_PATH_KEY = "taskmanager.log_path"
# URL variables that are credentials (email confirmation, password reset, calendar
# feed, invitation and unsubscribe links): never written to a log.
SECRET_URL_VARIABLES = ("token",)
REQUEST_ID_HEADER = "request_id"  # the Celery message header that carries the id
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
            environ = request.environ
            record.request_id = getattr(record, "request_id", None) or environ.get(REQUEST_ID_KEY)
            record.user_id = getattr(record, "user_id", None) or environ.get(USER_KEY)
            record.org_id = getattr(record, "org_id", None) or _org_id()
        else:
            task = current_task  # a proxy: false outside a running job
            if task and task.request.id:
                record.request_id = getattr(record, "request_id", None) or task.request.get(
                    REQUEST_ID_HEADER
                )
                record.task = task.name
                record.task_id = task.request.id
        return True


def _org_id() -> int | list[int] | None:
    """The organization this request works in; several for cross-organization pages."""
    scope = tenancy.current_scope()
    if not isinstance(scope, frozenset) or not scope:
        return None
    return next(iter(scope)) if len(scope) == 1 else sorted(scope)


def _access_fields(environ: dict[str, Any]) -> dict[str, object]:
    return {"user_id": environ.get(USER_KEY), "org_id": environ.get(ORG_KEY)}


def _loggable_path(environ: dict[str, Any]) -> str:
    path = environ.get(LOG_PATH_KEY)
    if isinstance(path, str):
        return path
    raw = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return raw.encode("latin-1", "replace").decode("utf-8", "replace")


def _without_secrets(path: str) -> str | None:
    """``request.path`` with secret URL variables replaced, or None if it has none."""
    secrets = [str((request.view_args or {}).get(name) or "") for name in SECRET_URL_VARIABLES]
    secrets = [value for value in secrets if value]
    for value in secrets:
        path = path.replace(value, "[redacted]")
    return path if secrets else None


@before_task_publish.connect
def _send_request_id(headers: dict[str, Any] | None = None, **_: object) -> None:
    # Published during a request, or by a job that one published: the job's log
    # lines carry the request's id.
    if headers is None:
        return
    request_id = None
    if has_request_context():
        request_id = request.environ.get(REQUEST_ID_KEY)
    elif current_task and current_task.request.id:
        request_id = current_task.request.get(REQUEST_ID_HEADER)
    if request_id:
        headers.setdefault(REQUEST_ID_HEADER, request_id)


def json_logs_enabled(app: Flask) -> bool:
    setting = app.config.get("JSON_LOGS")
    return is_production(app.config) if setting is None else bool(setting)


def configure_logging(app: Flask) -> None:
    if not json_logs_enabled(app):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JSONFormatter())
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    # Python's warnings are written to stderr as plain text unless they are logged.
    logging.captureWarnings(True)


def init_app(app: Flask) -> None:
    configure_logging(app)

    @app.before_request
    def remember_request_id() -> None:
        g.request_id = request.environ.get(REQUEST_ID_KEY)

    @app.after_request
    def remember_user(response: Response) -> Response:
        # Read by the access log once the response is sent; ids only, never the email.
        # Only a user sign-in already loaded (Flask-Login keeps it in g): a probe must
        # not load one for its log line.
        environ = request.environ
        user = g.get("_login_user")
        if user is not None and user.is_authenticated:
            environ[USER_KEY] = user.id
        environ[ORG_KEY] = _org_id()
        safe_path = _without_secrets(request.path)
        if safe_path is not None:
            environ[LOG_PATH_KEY] = safe_path
        return response

    access_log = logging.getLogger(ACCESS_LOGGER)
    wrapped = LoggingMiddleware(
        app.wsgi_app, logger=access_log, fields=_access_fields, path=_loggable_path
    )
    # Behind a proxy the incoming id is the proxy's; straight from clients, make our own.
    app.wsgi_app = RequestIdMiddleware(  # type: ignore[method-assign]
        wrapped, trust_incoming=bool(app.config["PROXY_COUNT"])
    )
