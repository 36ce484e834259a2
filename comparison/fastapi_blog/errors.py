"""The contract's error shape for every failure: ``{"error", "message", ["details"]}``."""

from typing import Any

from fastapi import FastAPI
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

HTTP_CODES = {
    400: ("invalid_json", "Request body is not valid JSON"),
    404: ("not_found", "Resource not found"),
    405: ("method_not_allowed", "Method not allowed on this path"),
}


class APIError(Exception):
    """A failure the client can act on; raised anywhere, rendered by one handler."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidJSON(APIError):
    code = "invalid_json"


class TokenMissing(APIError):
    status = 401
    code = "token_missing"


class InvalidToken(APIError):
    status = 401
    code = "invalid_token"


class TokenExpired(APIError):
    status = 401
    code = "token_expired"


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


class PayloadTooLarge(APIError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(APIError):
    status = 415
    code = "unsupported_media_type"


def error_response(
    status: int,
    code: str,
    message: str,
    details: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"error": code, "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse(body, status_code=status, headers=headers)


async def _api_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, APIError)
    return error_response(error.status, error.code, error.message, error.details)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    """Pydantic's error list, regrouped as ``{field: [messages]}``."""
    assert isinstance(error, RequestValidationError)
    details: dict[str, list[str]] = {}
    for item in error.errors():
        if item["type"] == "json_invalid":
            return error_response(400, "invalid_json", "Request body is not valid JSON")
        location = item["loc"]
        field = str(location[1]) if len(location) > 1 else str(location[0])
        details.setdefault(field, []).append(item["msg"])
    return error_response(400, "validation_error", "Request is invalid", details)


def _allowed_methods(request: Request) -> str:
    # Starlette's 405 names only the first route matching the path; ask every route.
    allowed = []
    for method in ("DELETE", "GET", "PATCH", "POST", "PUT"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return ", ".join(allowed)


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    code, message = HTTP_CODES.get(error.status_code, ("http_error", str(error.detail)))
    headers = dict(error.headers or {})
    if error.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    return error_response(error.status_code, code, message, headers=headers)


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    return error_response(500, "internal_error", "Internal server error")


def register_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(APIError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
