"""The contract's error shape for every failure: ``{"error", "message", ["details"]}``."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import Response
from flask import current_app
from flask import jsonify
from werkzeug.exceptions import HTTPException

# Werkzeug's exceptions mapped onto the contract's machine codes.
HTTP_CODES = {
    400: ("bad_request", "The request could not be understood"),
    404: ("not_found", "Resource not found"),
    405: ("method_not_allowed", "Method not allowed on this path"),
    413: ("payload_too_large", "Request body exceeds 65536 bytes"),
    415: ("unsupported_media_type", "Send the body as Content-Type: application/json"),
}


class APIError(Exception):
    """A failure the client can act on; raised by views, rendered by one handler."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidJSON(APIError):
    code = "invalid_json"


class ValidationFailed(APIError):
    code = "validation_error"

    def __init__(self, details: dict[str, list[str]]) -> None:
        super().__init__("Request is invalid", details)


class InvalidCredentials(APIError):
    status = 401
    code = "invalid_credentials"


class Forbidden(APIError):
    status = 403
    code = "forbidden"


class NotFound(APIError):
    status = 404
    code = "not_found"


class Conflict(APIError):
    status = 409
    code = "conflict"


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> Response:
    body: dict[str, Any] = {"error": code, "message": message}
    if details is not None:
        body["details"] = details
    response = jsonify(body)
    response.status_code = status
    return response


def _api_error(error: APIError) -> Response:
    return error_response(error.status, error.code, error.message, error.details)


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    code, message = HTTP_CODES.get(status, (error.name.lower().replace(" ", "_"), error.name))
    response = error_response(status, code, message)
    # Keep the exception's own headers (405's Allow) on the JSON answer.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _unexpected(error: Exception) -> Response:
    current_app.logger.exception("Unhandled error", exc_info=error)
    return error_response(500, "internal_error", "Internal server error")


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(APIError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
