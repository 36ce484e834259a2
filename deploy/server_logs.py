"""The app servers' own log lines (gunicorn's, granian's) as JSON, like the app's.

In production (``TASKMANAGER_ENV=production``, or ``TASKMANAGER_JSON_LOGS`` either
way, as for the app) every line a server writes, its start, workers booting and
dying, errors, and its access log if switched on, is one JSON object made by the
app's own formatter (taskmanager/observability.py): one parser reads all the logs.
The servers' access logs stay off by default: the app writes one per request with
the request id, user and organization; ``SERVER_ACCESS_LOG=1`` adds the server's.
"""

from __future__ import annotations

import json
import os
from typing import Any

FORMATTER = "taskmanager.observability.JSONFormatter"


def _setting(name: str) -> Any:
    value = os.environ.get(name)
    if value is None:
        return None
    try:
        return json.loads(value)  # as Flask's from_prefixed_env reads TASKMANAGER_*
    except ValueError:
        return value


def json_logs() -> bool:
    """The app's rule (observability.json_logs_enabled), read from the environment."""
    setting = _setting("TASKMANAGER_JSON_LOGS")
    if setting is None:
        return _setting("TASKMANAGER_ENV") == "production"
    return bool(setting)


def server_access_log() -> bool:
    return bool(_setting("SERVER_ACCESS_LOG"))


def _config(*, errors: str, access: str, stream: str) -> dict[str, Any]:
    """A dictConfig with the server's error and access loggers writing JSON to ``stream``."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": FORMATTER}},
        "handlers": {
            "json": {"class": "logging.StreamHandler", "formatter": "json", "stream": stream}
        },
        "loggers": {
            errors: {"level": "INFO", "handlers": ["json"], "propagate": False},
            access: {
                "level": "INFO" if server_access_log() else "WARNING",
                "handlers": ["json"],
                "propagate": False,
            },
        },
    }


def gunicorn_config() -> dict[str, Any]:
    config = _config(errors="gunicorn.error", access="gunicorn.access", stream="ext://sys.stderr")
    # gunicorn merges this into its defaults key by key: its own handlers and
    # formatters are replaced, and the root logger (the app's, set up by the app)
    # is left to the app.
    config["root"] = {"level": "INFO", "handlers": []}
    return config


def granian_config() -> dict[str, Any]:
    # granian's own logger is "_granian" (the name its Rust side logs under).
    return _config(errors="_granian", access="granian.access", stream="ext://sys.stdout")
