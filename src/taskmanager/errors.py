"""Domain errors, and the one place that turns any error into a response.

Services raise the domain errors below and never build responses. ``init_app``
registers one handler for them and for every HTTP error Werkzeug raises: under
``/api/`` the answer is the API's JSON error shape, elsewhere a friendly page. A 500
never shows a traceback; it carries the request id so a user can quote it.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from flask import Response
from flask import g
from flask import jsonify
from flask import render_template
from flask import request
from flask.globals import _cv_request as _request_ctx
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError

log = logging.getLogger(__name__)


class DomainError(Exception):
    """Base of the errors services raise; each maps to one HTTP status and code."""

    status = 400
    code = "bad_request"
    default_message = "The request could not be completed."

    def __init__(self, message: str | None = None, *, details: dict[str, Any] | None = None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.details = details or {}


class ValidationFailed(DomainError):
    status = 400
    code = "validation_error"
    default_message = "Some fields are not valid."


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"
    default_message = "Sign in to continue."


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = "You do not have permission to do that."


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = "That does not exist, or you cannot see it."


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = "That conflicts with the current state; reload and try again."


class PreconditionFailed(DomainError):
    status = 412
    code = "precondition_failed"
    default_message = "It changed since you read it (If-Match is stale); reload and try again."


class PlanLimitReached(DomainError):
    status = 402
    code = "plan_limit_reached"
    default_message = "Your plan's limit is reached; upgrade to go further."


# Werkzeug's exception names for the API's error codes.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    402: "plan_limit_reached",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "internal_error",
}

FRIENDLY_MESSAGES = {
    400: "The request was not understood. Check what you sent and try again.",
    403: "You do not have permission to see this page.",
    404: "We could not find that page. It may have moved, or you may not have access.",
    405: "That action is not available here.",
    413: "That upload is too large.",
    429: "Too many attempts. Wait a moment and try again.",
    500: "Something went wrong on our side. Try again; if it keeps happening, quote the "
    "request id below.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> Response:
    """Render an error as the API shape or as a page, by where the request went."""
    request_id = getattr(g, "request_id", None)
    if wants_json():
        body: dict[str, Any] = {"error": code, "message": message}
        if details:
            body["details"] = details
        if status >= 500 and request_id:
            body["request_id"] = request_id
        response = jsonify(body)
    elif _request_ctx.get().url_adapter is None:
        # The request never got a URL adapter (an untrusted Host): no template can
        # build links, so answer in plain words.
        response = Response(f"{status}: {message}", mimetype="text/plain")
    else:
        response = Response(
            render_template("error.html", status=status, message=message, request_id=request_id),
            mimetype="text/html",
        )
    response.status_code = status
    return response


def _handle_domain(error: DomainError) -> Response:
    return error_response(error.status, error.code, error.message, error.details)


def _handle_http(error: HTTPException) -> Response:
    status = error.code or 500
    if status >= 500:
        return _handle_unexpected(error)
    message = FRIENDLY_MESSAGES.get(status) if not wants_json() else error.description
    response = error_response(status, HTTP_CODES.get(status, "error"), message or "")
    # Keep what the original exception meant to tell the client (Allow, Retry-After...).
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    valid_methods = getattr(error, "valid_methods", None)
    if status == 405 and valid_methods:
        response.headers["Allow"] = ", ".join(valid_methods)
    return response


def _handle_unexpected(error: Exception) -> Response:
    original = getattr(error, "original_exception", None) or error
    if not isinstance(original, HTTPException) or original.code == 500:
        log.error("Unhandled error", exc_info=original)
    return error_response(500, "internal_error", FRIENDLY_MESSAGES[500])


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, _handle_domain)
    app.register_error_handler(HTTPException, _handle_http)
    # Flask hands any unhandled exception to the 500 handler with original_exception set.
    app.register_error_handler(InternalServerError, _handle_unexpected)
