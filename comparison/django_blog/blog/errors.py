"""The contract's error shape for every failure: ``{"error", "message", ["details"]}``."""

from django.http import HttpRequest
from django.http import HttpResponse
from django.http import JsonResponse


class APIError(Exception):
    """A failure the client can act on; raised by views, rendered by the middleware."""

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
    status: int, code: str, message: str, details: dict[str, list[str]] | None = None
) -> JsonResponse:
    body: dict[str, object] = {"error": code, "message": message}
    if details is not None:
        body["details"] = details
    return JsonResponse(body, status=status)


class APIErrorMiddleware:
    """Turns an ``APIError`` raised anywhere in a view into its JSON answer."""

    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, APIError):
            return error_response(
                exception.status, exception.code, exception.message, exception.details
            )
        return None


# Django's error views (urls.handler400/403/404/500), answering JSON instead of HTML.
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_response(400, "bad_request", "The request could not be understood")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_response(403, "forbidden", "Permission denied")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_response(404, "not_found", "Resource not found")


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(500, "internal_error", "Internal server error")
