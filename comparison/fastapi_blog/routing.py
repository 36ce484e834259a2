"""A route class that vets JSON bodies before FastAPI parses them."""

from collections.abc import Awaitable
from collections.abc import Callable

from fastapi import Request
from fastapi import Response
from fastapi.routing import APIRoute

from comparison.fastapi_blog.errors import InvalidJSON
from comparison.fastapi_blog.errors import PayloadTooLarge
from comparison.fastapi_blog.errors import UnsupportedMediaType

MAX_BODY_BYTES = 65_536


async def check_json_body(request: Request) -> None:
    """415, 413 or ``invalid_json``, in the contract's order, before any dependency.

    FastAPI would skip a non-JSON content type, parse an oversized body, and read an
    empty one as a missing field after the token check; this puts all three first.
    The parsed body stays cached on the request for FastAPI to reuse.
    """
    mimetype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if not (
        mimetype == "application/json"
        or (mimetype.startswith("application/") and mimetype.endswith("+json"))
    ):
        raise UnsupportedMediaType("Send the body as Content-Type: application/json")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"Request body exceeds {MAX_BODY_BYTES} bytes")
    if len(await request.body()) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"Request body exceeds {MAX_BODY_BYTES} bytes")
    try:
        await request.json()
    except (ValueError, RecursionError):  # bad syntax or encoding, absurd nesting
        raise InvalidJSON("Request body is not valid JSON") from None


class JSONBodyRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def vetted_handler(request: Request) -> Response:
            if request.method in ("POST", "PATCH"):
                await check_json_body(request)
            return await handler(request)

        return vetted_handler
