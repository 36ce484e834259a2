"""The ``/api/v1`` blueprint: JSON body checks shared by every write, and health."""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import request
from werkzeug.exceptions import BadRequest

from comparison.flask_blog import posts
from comparison.flask_blog import tokens
from comparison.flask_blog import users
from comparison.flask_blog.errors import InvalidJSON


def require_json_body() -> None:
    """Reject a write whose body is not JSON before any view or token check runs.

    Runs as ``before_request``, so it precedes ``@jwt_required`` (the contract's
    order: 415, 413, ``invalid_json``, then 401). The parsed body stays cached
    for ``request.get_json()`` in the view.
    """
    if request.method not in ("POST", "PATCH"):
        return
    if not request.is_json:
        abort(415)
    try:
        request.get_json()  # 413 past MAX_CONTENT_LENGTH, BadRequest on bad JSON
    except (BadRequest, RecursionError) as error:  # RecursionError: absurd nesting
        raise InvalidJSON("Request body is not valid JSON") from error


def health() -> dict[str, str]:
    return {"status": "ok"}


def create_blueprint() -> Blueprint:
    api = Blueprint("api", __name__, url_prefix="/api/v1")
    api.before_request(require_json_body)
    api.add_url_rule("/health", view_func=health, methods=["GET"])
    api.register_blueprint(users.bp)
    api.register_blueprint(tokens.bp)
    api.register_blueprint(posts.bp)
    return api
