"""Typed configuration: defaults, then ``TASKMANAGER_*`` variables, then overrides.

Every setting a deployment may change has a default that runs the embedded stack
(SQLite, a broker on a SQLite file, an outbox folder for mail, local files), so
``make run`` needs nothing installed. ``validate`` refuses a production start that
still leans on those development defaults, naming the variable to set.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Mapping
from typing import Any

from flask import Flask

from taskmanager import links

# Only ever used by tests that set no key; production refuses it (see validate()) and
# development replaces it with a key of its own instance (see instance_secret_key()).
DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"  # noqa: S105
KEY_FILE_NAME = "secret_key"

LOOPBACK = ("127.0.0.1", "localhost")

# Settings without a built-in value in production: the variable that sets each.
REQUIRED_IN_PRODUCTION = {
    "SECRET_KEY": "TASKMANAGER_SECRET_KEY",
    "DATABASE_URL": "TASKMANAGER_DATABASE_URL",
    "BROKER_URL": "TASKMANAGER_BROKER_URL",
    # Every emailed link is built on it (links.py); production never guesses it.
    "BASE_URL": "TASKMANAGER_BASE_URL",
}


class ConfigError(RuntimeError):
    """The configuration cannot run; the message names the variable to fix."""


def defaults(instance_path: str) -> dict[str, Any]:
    """The embedded defaults: everything lives under the instance folder."""
    return {
        "ENV": "development",
        "SECRET_KEY": DEV_SECRET_KEY,
        "DATABASE_URL": f"sqlite:///{os.path.join(instance_path, 'taskmanager.sqlite3')}",
        "BROKER_URL": f"sqla+sqlite:///{os.path.join(instance_path, 'broker.sqlite3')}",
        # Rate limits and token revocation; empty means "in process / in the database".
        "REDIS_URL": "",
        "MAIL_BACKEND": "outbox",  # "outbox" writes .eml files; "smtp" sends for real
        "OUTBOX_DIR": os.path.join(instance_path, "outbox"),
        "MAIL_SERVER": "localhost",
        "MAIL_PORT": 25,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        # The relay's certificate is always checked, against the system's CAs or, for a
        # relay with a certificate of its own making, against this file (PEM).
        "MAIL_TLS_CA_FILE": "",
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_DEFAULT_SENDER": "TaskManager <no-reply@taskmanager.local>",
        # Flask-Mail would otherwise drop all mail when TESTING is on; MAIL_BACKEND
        # decides where mail goes, and tests deliver to a real SMTP server.
        "MAIL_SUPPRESS_SEND": False,
        "PROXY_COUNT": 0,  # how many proxies (nginx, a load balancer) stand in front
        "TRUSTED_HOSTS": None,  # e.g. ["tasks.example.com"]; others answer 400
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "LOGIN_RATE_LIMIT": "10 per minute",
        # Per user (per address without a token) across all of /api/v1; read at request
        # time, so a test or an operator can change them on a running app.
        "API_WRITE_RATE_LIMIT": "600 per minute",
        "API_READ_RATE_LIMIT": "1200 per minute",
        # A running import/export whose worker shows no life this long is taken over.
        # Above Celery's task_time_limit (300 s), so a live run is never taken over.
        "JOB_STALE_SECONDS": 600,
        # How often an open board asks whether anything changed (a 304 while nothing did).
        "BOARD_POLL_SECONDS": 10,
        # None: JSON lines in production, plain text elsewhere.
        "JSON_LOGS": None,
        # Touched by the server's launcher on SIGTERM: /readyz answers 503 (health.py).
        "DRAIN_FILE": "",
        # Attachments: "local" (files under ATTACHMENTS_ROOT) or "s3" (any S3-compatible
        # store). ATTACHMENTS_ACCEL_REDIRECT, e.g. "/_protected/attachments/", hands local
        # downloads to nginx's internal location of that name (aliased to the root).
        "STORAGE": "local",
        "ATTACHMENTS_ROOT": os.path.join(instance_path, "attachments"),
        "ATTACHMENTS_ACCEL_REDIRECT": "",
        "S3_BUCKET": "",
        "S3_PREFIX": "attachments/",
        "S3_REGION": "",
        "S3_ENDPOINT_URL": "",  # MinIO and other S3 clones; empty for AWS
        "S3_ACCESS_KEY_ID": "",  # empty: boto3's own chain (environment, instance role)
        "S3_SECRET_ACCESS_KEY": "",
        "S3_PRESIGN_SECONDS": 300,
        # Self-hosted installs without plans may lift the plans' attachment limits for
        # every organization (bytes; None keeps each plan's own limit).
        "ATTACHMENTS_LARGEST_FILE_BYTES": None,
        "ATTACHMENTS_STORAGE_BYTES": None,
        "PREFERRED_URL_SCHEME": "http",
        "BASE_URL": "http://127.0.0.1:5000",
        # Outgoing webhooks (webhooks/). Private, loopback and reserved targets, and
        # plain http, are refused in production; None allows them everywhere else.
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": None,
        # Seconds before each retry of a failed delivery (about a day in all); after
        # the last one the endpoint is disabled and the owners are emailed.
        "WEBHOOK_RETRY_SCHEDULE": [5, 300, 1800, 7200, 18000, 36000],
        # After a secret rotation the old secret signs too (a second signature) this long.
        "WEBHOOK_SECRET_OVERLAP_SECONDS": 24 * 3600,
        # How long the emailed link to a personal data export works.
        "DATA_EXPORT_LINK_SECONDS": 7 * 24 * 3600,
    }


def load(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Fill ``app.config``: defaults < ``TASKMANAGER_*`` environment < ``overrides``."""
    app.config.update(defaults(app.instance_path))
    app.config.from_prefixed_env("TASKMANAGER")
    if overrides:
        app.config.update(overrides)
    if app.config.get("TESTING"):
        app.config["ENV"] = app.config.get("ENV", "testing")
    elif app.config["SECRET_KEY"] == DEV_SECRET_KEY and not is_production(app.config):
        # A published constant would let anyone forge this instance's sessions.
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    _derive(app.config)


def instance_secret_key(instance_path: str) -> str:
    """This instance's own random key, made on first use and kept in the instance folder.

    The web, worker and beat processes of ``make run`` start together: the key is
    written to a temporary file and linked into place, so exactly one writer wins
    and every process reads the same complete key.
    """
    path = os.path.join(instance_path, KEY_FILE_NAME)
    if not os.path.exists(path):
        os.makedirs(instance_path, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=instance_path, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first; use theirs
        finally:
            os.unlink(temporary)
    with open(path, encoding="ascii") as handle:
        return handle.read().strip()


def is_production(config: Mapping[str, Any]) -> bool:
    return bool(config.get("ENV") == "production")


def _derive(config: dict[str, Any]) -> None:
    """Translate our settings into the keys each extension reads."""
    config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(config["DATABASE_URL"])
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    redis_url = config["REDIS_URL"]
    config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    # While Redis is down the limits are kept in this process's memory: signing in
    # keeps working and brute force stays limited (per worker) instead of a 500.
    config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    # The backstop for anything else that fails inside the limiter: logged, not a 500.
    config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    if config["RATELIMIT_STORAGE_URI"].startswith("redis"):
        # An unreachable (not just refused) Redis would otherwise hold each request
        # for the operating system's TCP timeout before the fallback takes over.
        config.setdefault(
            "RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1}
        )
    production = is_production(config)
    explicit = config.get("_EXPLICIT", {})
    # Flask has its own defaults for these keys, so set them unless the caller did.
    cookies = {
        # __Host- cookies are only accepted over HTTPS, for this exact host, on path /.
        "SESSION_COOKIE_NAME": "__Host-session" if production else "session",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PREFERRED_URL_SCHEME": "https" if production else config["PREFERRED_URL_SCHEME"],
    }
    if production and config.get("TRUSTED_HOSTS") is None and config.get("BASE_URL"):
        # Only the base URL's host is served: any other Host header answers 400.
        # Loopback too: a container's health check calls http://127.0.0.1:8000/livez,
        # and no link is built from Host any more (links.py), so it grants nothing.
        host = links.base_host(str(config["BASE_URL"]))
        config["TRUSTED_HOSTS"] = [host, *(name for name in LOOPBACK if name != host)]
    for key, value in cookies.items():
        if not explicit.get(key):
            config[key] = value


def normalize_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator used."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def validate(config: Mapping[str, Any]) -> None:
    """Fail fast, naming the variable, when production would run on dev defaults.

    Raises:
        ConfigError: a required setting is missing or still the development value.
    """
    if not is_production(config):
        return
    if not config.get("SECRET_KEY") or config["SECRET_KEY"] == DEV_SECRET_KEY:
        raise ConfigError(
            "Set TASKMANAGER_SECRET_KEY to a long random value: production refuses the "
            'development key. One way: python -c "import secrets; print(secrets.token_hex(32))"'
        )
    env = os.environ
    for key, variable in REQUIRED_IN_PRODUCTION.items():
        if key != "SECRET_KEY" and variable not in env and not _overridden(config, key):
            raise ConfigError(
                f"Set {variable}: production does not fall back to the embedded "
                f"development {key.lower().replace('_', ' ')}."
            )
    base_problem = links.problem(str(config["BASE_URL"]))
    if base_problem:
        raise ConfigError(f"TASKMANAGER_BASE_URL is not usable: {base_problem}.")
    if len(str(config["SECRET_KEY"])) < 32:
        raise ConfigError("TASKMANAGER_SECRET_KEY is too short: use at least 32 characters.")


def _overridden(config: Mapping[str, Any], key: str) -> bool:
    # Tests and embedders may pass values to create_app() instead of the environment.
    return bool(config.get("_EXPLICIT", {}).get(key))
