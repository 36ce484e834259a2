"""Liveness and readiness probes for load balancers and orchestrators.

``/livez`` touches nothing: it answers while the process can serve at all.
``/readyz`` checks each dependency the app cannot work without and answers 503
naming what failed, so an instance that lost its database leaves the pool. Both
are exempt from sign-in, CSRF and rate limits.

On SIGTERM the server starts *draining*: ``/readyz`` answers 503 at once while the
process keeps serving, so a load balancer takes it out before it stops accepting.
gunicorn's worker calls ``start_draining`` (deploy/gunicorn.conf.py); granian's main
process touches ``DRAIN_FILE``, which every worker process sees
(deploy/granian_server.py).
"""

from __future__ import annotations

import os

from flask import Blueprint
from flask import Flask
from flask import current_app
from flask import g
from flask import jsonify
from flask import request
from flask_principal import AnonymousIdentity
from kombu import Connection
from redis import Redis
from sqlalchemy import text
from werkzeug import Response

from taskmanager.api.cookieless import CookielessApi
from taskmanager.api.cookieless import is_api_path
from taskmanager.extensions import db
from taskmanager.rate_limits import limiter_for

bp = Blueprint("health", __name__)
DRAINING = "taskmanager.draining"
CHECK_TIMEOUT_SECONDS = 2.0


@bp.get("/livez")
def livez() -> Response:
    return jsonify(status="ok")


def _check_database() -> None:
    db.session.execute(text("SELECT 1"))


def _check_broker() -> None:
    with Connection(
        current_app.config["BROKER_URL"], connect_timeout=CHECK_TIMEOUT_SECONDS
    ) as conn:
        conn.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_SECONDS)


def _check_redis() -> None:
    url = current_app.config["REDIS_URL"]
    if url:
        Redis.from_url(url, socket_timeout=CHECK_TIMEOUT_SECONDS).ping()


CHECKS = {"database": _check_database, "broker": _check_broker, "redis": _check_redis}


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    if is_draining(current_app):  # first: no dependency check delays the answer
        return jsonify(status="unavailable", failed={"process": "shutting down"}), 503
    failed: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure means "not ready"; say which and why
            failed[name] = type(error).__name__
    if failed:
        return jsonify(status="unavailable", failed=failed), 503
    return jsonify(status="ok", checks=sorted(CHECKS)), 200


def start_draining(app: Flask) -> None:
    """From now on ``/readyz`` answers 503 in this process; serving goes on."""
    app.extensions[DRAINING] = True


def is_draining(app: Flask) -> bool:
    drain_file = app.config.get("DRAIN_FILE")
    return bool(app.extensions.get(DRAINING)) or bool(drain_file and os.path.exists(drain_file))


def _is_probe() -> bool:
    return request.blueprint == bp.name


def _needs_no_identity() -> bool:
    """Probes have no caller, and the API's is its bearer token, never a session.

    API requests arrive without cookies (``CookielessApi``), so the identity
    Flask-Principal would load there is always anonymous: no policy check on /api
    reads it (``policy.py`` decides from memberships), only the pages' Flask-Security
    decorators do.
    """
    return _is_probe() or is_api_path(request.path)


def _skip_identity_where_none(app: Flask) -> None:
    """Flask-Principal loads the signed-in identity before every request; skip it where none is."""
    security = app.extensions.get("security")
    principal = getattr(security, "principal", None)
    hooks = app.before_request_funcs.get(None, [])
    if principal is None or principal._on_before_request not in hooks:
        return
    load_identity = principal._on_before_request

    def identity_unless_needless() -> None:
        if _needs_no_identity():
            # What Principal starts every request with: anything asking still gets "nobody".
            g.identity = AnonymousIdentity()
        else:
            load_identity()

    hooks[hooks.index(load_identity)] = identity_unless_needless


def init_app(app: Flask) -> None:
    """Register the probes, exempt from limits and identity loading (after security).

    API requests skip identity loading too (``_needs_no_identity``).
    """
    # Probes reach the app server over plain HTTP from inside the host or container
    # network, not through the TLS proxy: answer them instead of redirecting to https.
    for probe in (livez, readyz):
        setattr(probe, "talisman_view_options", {"force_https": False})  # noqa: B010
    limiter = limiter_for(app)
    limiter.exempt(bp)
    # Exempt already, but a filter answers before the limiter resolves any limit.
    limiter.request_filter(_is_probe)
    _skip_identity_where_none(app)
    app.register_blueprint(bp)
    # A probe's cookies are dropped at the WSGI edge: with a session cookie, sign-in
    # would otherwise load its user (two statements) on every probe.
    app.wsgi_app = CookielessApi(app.wsgi_app, prefix="/livez")  # type: ignore[method-assign]
