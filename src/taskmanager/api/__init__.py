"""The REST API under /api/v1: blueprints, JWT settings, body rules, error shape.

``init_app`` is called by ``create_app``. The views live in the feature modules of
this package and call the same services as the pages.

Views declare ``ResponseReturnValue``, except those that hand a schema or a row to
``@bp.output`` (which serializes it): Flask's route decorators bind a view to
``ResponseReturnValue``, which has no room for those, so they say ``Any``.
"""

from __future__ import annotations

from typing import Any

from apiflask import APIFlask
from flask import current_app
from flask import request
from flask_jwt_extended import JWTManager
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import UnsupportedMediaType

from taskmanager.api import auth
from taskmanager.api import jobs
from taskmanager.api import limits
from taskmanager.api import openapi
from taskmanager.api import orgs
from taskmanager.api import projects
from taskmanager.api import replay
from taskmanager.api import tasks
from taskmanager.api.cookieless import API_PREFIX
from taskmanager.api.cookieless import CookielessApi
from taskmanager.api.cookieless import PageSessions
from taskmanager.api.http import refuse_nul
from taskmanager.api.http import require_object
from taskmanager.api.schemas import Error
from taskmanager.attachments import api as attachments
from taskmanager.billing import api as billing_api
from taskmanager.checklists import api as checklists_api
from taskmanager.dependencies import api as dependencies_api
from taskmanager.entry import api as entry_api  # noqa: F401 - adds its route to projects.bp
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import csrf
from taskmanager.mydata import api as mydata_api
from taskmanager.notifications import api as notifications_api
from taskmanager.rate_limits import limiter_for
from taskmanager.recurrence import api as recurrence_api
from taskmanager.savedviews import api as saved_views_api
from taskmanager.search import api as search_api
from taskmanager.webhooks import api as webhooks_api

BLUEPRINTS = (
    auth.bp, orgs.bp, projects.bp, tasks.bp, jobs.bp, attachments.bp, billing_api.bp,
    notifications_api.bp, search_api.bp, saved_views_api.bp, webhooks_api.bp, mydata_api.bp,
    checklists_api.bp, dependencies_api.bp,
    recurrence_api.bp,
)  # fmt: skip
NAMES = frozenset(blueprint.name for blueprint in BLUEPRINTS)
AUDIENCE = "taskmanager-api"
MULTIPART = "multipart/form-data"


class InvalidJson(ValidationFailed):
    code = "invalid_json"
    default_message = "The body is not valid JSON."


def _view_spec() -> dict[str, Any]:
    """What this request's view declares for OpenAPI (``@bp.input`` and friends)."""
    view = current_app.view_functions.get(request.endpoint or "")
    spec: dict[str, Any] = getattr(view, "_spec", {})
    return spec


def _declares_multipart() -> bool:
    """Whether this request's view takes a multipart upload, as its OpenAPI input says.

    ``@bp.input(..., location="files")`` records the body's media type in the view's
    ``_spec``; reading it here keeps the document and the rule from disagreeing.
    """
    spec = _view_spec()
    return bool(spec.get("body")) and spec.get("content_type") == MULTIPART


def _check_body() -> None:
    """Bodies are JSON objects: 415 for another type, 400 ``invalid_json`` if unparsable.

    Strings in them cannot hold NUL, which PostgreSQL refuses to store: 400. Uploads
    are the exception, and only on the views that declare them: those take
    ``multipart/form-data`` and nothing else.
    """
    if request.blueprint not in NAMES:
        return
    # A write that takes no body (follow a task, mark read) may send none.
    takes_body = request.method in ("POST", "PUT", "PATCH") and bool(_view_spec().get("body"))
    has_body = bool(request.content_length) or takes_body
    if not has_body:
        return
    if _declares_multipart():
        if request.mimetype != MULTIPART:
            raise UnsupportedMediaType(f"Send the upload as {MULTIPART}, the file in 'file'.")
        return
    if not request.is_json:
        raise UnsupportedMediaType("Send the body as JSON, with Content-Type: application/json.")
    data = request.get_json(silent=True)
    if data is None:
        raise InvalidJson()
    require_object(data)
    refuse_nul(data)


def _check_query() -> None:
    if request.blueprint in NAMES:
        for name, value in request.args.items(multi=True):
            refuse_nul({name: value})


def _account_key() -> str:
    data = request.get_json(silent=True)
    email = data.get("email") if isinstance(data, dict) else None
    return f"account:{str(email).strip().lower()}" if email else get_remote_address()


def init_app(app: APIFlask) -> None:
    app.config.setdefault("JWT_ALGORITHM", "HS256")
    app.config.setdefault("JWT_DECODE_ALGORITHMS", ["HS256"])
    app.config.setdefault("JWT_ENCODE_AUDIENCE", AUDIENCE)
    app.config.setdefault("JWT_DECODE_AUDIENCE", AUDIENCE)
    app.config.setdefault("JWT_TOKEN_LOCATION", ["headers"])
    app.config["VALIDATION_ERROR_STATUS_CODE"] = 400
    error_schema = Error.model_json_schema()
    app.config["VALIDATION_ERROR_SCHEMA"] = error_schema
    app.config["HTTP_ERROR_SCHEMA"] = error_schema
    # One JWTManager per app: it keeps its callbacks on itself.
    JWTManager(app)

    app.before_request(_check_query)
    app.before_request(_check_body)
    # After the body check: a request that is not even valid JSON claims no key.
    replay.init_app(app, NAMES)
    app.wsgi_app = CookielessApi(app.wsgi_app, prefix=API_PREFIX)  # type: ignore[method-assign]
    app.session_interface = PageSessions(api_prefix=API_PREFIX)
    for blueprint in BLUEPRINTS:
        csrf.exempt(blueprint)
        app.register_blueprint(blueprint)

    # The OpenAPI document describes /api/v1 only: the pages' blueprints (plain Flask
    # ones) and bare app views stay out of it.
    app.config["AUTO_200_RESPONSE"] = False
    openapi.init_app(app)
    for registered in app.blueprints.values():
        if not hasattr(registered, "enable_openapi"):
            registered.enable_openapi = False  # type: ignore[attr-defined]

    limiter = limiter_for(app)
    rate = app.config["LOGIN_RATE_LIMIT"]
    for endpoint in auth.LIMITED:
        view: Any = app.view_functions[endpoint]
        view = limiter.limit(rate, key_func=get_remote_address)(view)
        view = limiter.limit(rate, key_func=_account_key)(view)
        app.view_functions[endpoint] = view
    # The OpenAPI document is served under /api/v1 too: its blueprint counts as reads.
    limits.init_app(app, [*NAMES, "openapi"])
