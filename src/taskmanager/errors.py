"""Domain errors, and the one place that turns any error into a response.

Services raise the domain errors below and never build responses. ``init_app``
registers one handler for them, for every HTTP error Werkzeug raises and for
APIFlask's own (input validation, authentication): under ``/api/`` the answer is the
API's JSON error shape, elsewhere a friendly page. A 500 never shows a traceback; it
carries the request id so a user can quote it. ``HTTP_CODES`` is read off the classes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from typing import ClassVar

from apiflask.exceptions import HTTPError
from flask import Flask
from flask import Response
from flask import g
from flask import jsonify
from flask import render_template
from flask import request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError
from werkzeug.exceptions import SecurityError

log = logging.getLogger(__name__)

HTTP_CODES: dict[int, str] = {}  # status -> the API's error code, filled by the classes


class DomainError(Exception):
    """Base of the errors services raise; each maps to one HTTP status and code.

    A subclass that sets ``status`` names that status's code in ``HTTP_CODES``; one
    that only refines ``code`` (``validation_error``) keeps its parent's status.
    """

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    default_message: ClassVar[str] = "The request could not be completed."

    def __init__(self, message: str | None = None, *, details: dict[str, Any] | None = None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.details = details or {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "status" in cls.__dict__:
            HTTP_CODES.setdefault(cls.status, cls.code)


HTTP_CODES[DomainError.status] = DomainError.code


class ValidationFailed(DomainError):
    code = "validation_error"
    default_message = "Some fields are not valid."


class Unprocessable(ValidationFailed):
    """Fits the API's document, refused by a rule it cannot state (docs/api.md §2)."""

    status = 422


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"
    default_message = "Sign in to continue."


class PlanLimitReached(DomainError):
    status = 402
    code = "plan_limit_reached"
    default_message = "Your plan's limit is reached; upgrade to go further."


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = "You do not have permission to do that."


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = "That does not exist, or you cannot see it."


class MethodNotAllowed(DomainError):
    status = 405
    code = "method_not_allowed"
    default_message = "That action is not available here."


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = "That conflicts with the current state; reload and try again."


class StaleVersion(Conflict):
    """The version the writer read is no longer the current one.

    A Conflict (409, a message on the pages); the API answers 412, because there the
    version can only have come from ``If-Match``.
    """


class PreconditionFailed(DomainError):
    status = 412
    code = "precondition_failed"
    default_message = "It changed since you read it (If-Match is stale); reload and try again."


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"
    default_message = "That upload is too large."


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"
    default_message = "Send the body as JSON, with Content-Type: application/json."


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    default_message = "Too many attempts. Wait a moment and try again."


class InternalError(DomainError):
    status = 500
    code = "internal_error"
    default_message = (
        "Something went wrong on our side. Try again; if it keeps happening, quote the "
        "request id below."
    )


FRIENDLY_MESSAGES = {
    400: "The request was not understood. Check what you sent and try again.",
    403: "You do not have permission to see this page.",
    404: "We could not find that page. It may have moved, or you may not have access.",
    405: MethodNotAllowed.default_message,
    413: PayloadTooLarge.default_message,
    429: RateLimited.default_message,
    500: InternalError.default_message,
}


# --- Pydantic's and APIFlask's validation errors, as per-field details ------------------


def _plain(message: object) -> str:
    return str(message).removeprefix("Value error, ")


EMPTY = "Fill this in."
# Pydantic's problem types in words a person can act on, filled from the problem's context.
IN_WORDS = {
    "missing": EMPTY,
    "string_too_long": "Use at most {max_length:,} characters; you typed more.",
    "enum": "Choose one of {expected}.",
    "int_parsing": "Enter a whole number.",
    "int_type": "Enter a whole number.",
    "string_pattern_mismatch": "Use one of the values offered, in the format shown.",
    "extra_forbidden": "This field is not accepted here.",
    "bool_parsing": "Choose true or false.",
}


def _in_words(problem: Mapping[str, Any]) -> str:
    context = problem.get("ctx") or {}
    if problem["type"] == "string_too_short" and context.get("min_length") == 1:
        return EMPTY
    words = IN_WORDS.get(problem["type"])
    return words.format(**context) if words else _plain(problem["msg"])


def pydantic_details(
    error: ValidationError, messages: Mapping[str, str] | None = None
) -> dict[str, str]:
    """One plain message per field (dotted path): the first problem Pydantic found.

    ``messages`` says what to write when a field is left empty ("Give the task a
    title."), where "Fill this in." would not tell a person what the field is for.
    """
    details: dict[str, str] = {}
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"]) or "body"
        words = _in_words(problem)
        if words == EMPTY and messages and field in messages:
            words = messages[field]
        details.setdefault(field, words)
    return details


def _input_details(detail: Mapping[str, Any]) -> dict[str, str]:
    """APIFlask's ``{location: {field: [messages]}}`` as one message per field."""
    details: dict[str, str] = {}
    for fields in detail.values():
        if not isinstance(fields, Mapping):
            continue
        for field, messages in fields.items():
            message = messages[0] if isinstance(messages, list) and messages else messages
            details[field or "body"] = _plain(message)
    return details


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
    elif isinstance(request.routing_exception, SecurityError):
        # An untrusted Host: Flask gave the request no URL adapter, so no template can
        # build links. Answer in plain words.
        response = Response(f"{status}: {message}", mimetype="text/plain")
    else:
        response = Response(
            render_template("error.html", status=status, message=message, request_id=request_id),
            mimetype="text/html",
        )
    response.status_code = status
    return response


def _handle_domain(error: DomainError) -> Response:
    if isinstance(error, StaleVersion) and wants_json():
        error = PreconditionFailed(error.message, details=error.details)
    return error_response(error.status, error.code, error.message, error.details)


def _handle_api_error(error: HTTPError) -> Response:
    """APIFlask's own errors: a refused input (it carries ``detail``) or an HTTP status."""
    if error.detail:
        refused = ValidationFailed(details=_input_details(error.detail))
        return error_response(refused.status, refused.code, refused.message, refused.details)
    status = error.status_code
    response = error_response(status, HTTP_CODES.get(status, "error"), error.message or "")
    response.headers.update(error.headers or {})
    return response


def auth_refused(error: HTTPError) -> Response:
    """The answer when a bearer token is missing or refused (``bearer.error_processor``)."""
    status = error.status_code
    message = Unauthorized.default_message if status == 401 else Forbidden.default_message
    return error_response(status, HTTP_CODES.get(status, "error"), message)


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
    return error_response(InternalError.status, InternalError.code, FRIENDLY_MESSAGES[500])


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, _handle_domain)
    # APIFlask's app.error_processor would also take over every Werkzeug error from
    # _handle_http, so the handler is registered for APIFlask's own class only.
    app.register_error_handler(HTTPError, _handle_api_error)
    app.register_error_handler(HTTPException, _handle_http)
    # Flask hands any unhandled exception to the 500 handler with original_exception set.
    app.register_error_handler(InternalServerError, _handle_unexpected)
