"""HTTP conventions of the API, in one place: pages, Link, ETag and If-Match, Location,
and how the OpenAPI document describes those headers."""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from http import HTTPStatus
from typing import Any
from typing import TypeVar
from urllib.parse import urlencode

from flask import request

from taskmanager.concurrency import StaleVersion
from taskmanager.errors import PreconditionFailed
from taskmanager.errors import ValidationFailed

T = TypeVar("T")
Headers = dict[str, str]


def link_header(*, page: int, pages: int) -> str:
    """RFC 8288 links to the first, previous, next and last pages of this request."""

    def url(number: int) -> str:
        args = request.args.to_dict()
        args["page"] = str(number)
        return f"{request.base_url}?{urlencode(args)}"

    links = {"first": 1, "last": pages}
    if page > 1:
        links["prev"] = min(page - 1, pages)
    if page < pages:
        links["next"] = page + 1
    return ", ".join(f'<{url(number)}>; rel="{rel}"' for rel, number in links.items())


def page_of(
    items: Sequence[Any], *, total: int, page: int, per_page: int
) -> tuple[dict[str, Any], int, Headers]:
    """The page envelope and its Link header."""
    pages = max(1, -(-total // per_page))
    body = {
        "items": list(items),
        "total": total,
        "page": page,
        "per_page": per_page,
        "pages": pages,
    }
    return body, 200, {"Link": link_header(page=page, pages=pages)}


def slice_of(
    items: Sequence[T], *, page: int, per_page: int
) -> tuple[dict[str, Any], int, Headers]:
    """Paginate a short, already loaded list (members, labels, a task's comments)."""
    start = (page - 1) * per_page
    return page_of(items[start : start + per_page], total=len(items), page=page, per_page=per_page)


def etag(version: int) -> Headers:
    return {"ETag": f'"{version}"'}


def if_match(header: str | None) -> int | None:
    """The version named by an ``If-Match`` header, or None for no condition.

    ``*`` (any current version) is no condition either: the object exists, or the
    request is a 404 before this matters.

    Raises:
        PreconditionFailed: a value that cannot be one of our ETags can never match.
    """
    if header is None or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise PreconditionFailed('If-Match must be the ETag you read, like "3".')
    return int(value)


@contextmanager
def precondition() -> Iterator[None]:
    """Answer a stale version as 412 ``precondition_failed``.

    The services refuse a stale version as a Conflict (the pages show it as a
    message); in the API the version can only have come from If-Match.
    """
    try:
        yield
    except StaleVersion as error:
        raise PreconditionFailed(error.message, details=error.details) from None


def created(location: str) -> Headers:
    return {"Location": location}


def require_object(data: Any) -> None:
    if not isinstance(data, dict):
        raise ValidationFailed("Send a JSON object.", details={"body": "Expected an object."})


# --- the OpenAPI description of these headers -----------------------------------------

RESPONSE_HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": 'The version of this representation, quoted (like "3"). Send it '
        "back as If-Match to change or delete only what you read.",
        "schema": {"type": "string", "example": '"3"'},
    },
    "Location": {
        "description": "The path of the created resource.",
        "schema": {"type": "string", "format": "uri-reference"},
    },
    "Link": {
        "description": "RFC 8288 links to the first, prev, next and last pages.",
        "schema": {"type": "string"},
    },
}

PRECONDITION_FAILED = (
    "The If-Match ETag is stale: someone changed it since you read it. Nothing was "
    "changed; read it again and retry."
)


def responses(*errors: int, status: int = 200, headers: Sequence[str] = ()) -> dict[int, Any]:
    """``@bp.doc(responses=...)``: the headers the success response carries, and the
    error statuses the operation can answer (in the one error shape)."""
    documented: dict[int, Any] = {
        code: PRECONDITION_FAILED if code == 412 else HTTPStatus(code).phrase for code in errors
    }
    if headers:
        documented[status] = {"headers": {name: RESPONSE_HEADERS[name] for name in headers}}
    return documented
