"""HTTP conventions of the API, in one place: pages, Link, ETag and If-Match, Location."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from typing import TypeVar
from urllib.parse import urlencode

from flask import request

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


def if_match() -> int | None:
    """The version named by ``If-Match``, if the client sent one.

    Raises:
        PreconditionFailed: a value that cannot be one of our ETags can never match.
    """
    header = request.headers.get("If-Match")
    if header is None:
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise PreconditionFailed('If-Match must be the ETag you read, like "3".')
    return int(value)


def created(location: str) -> Headers:
    return {"Location": location}


def require_object(data: Any) -> None:
    if not isinstance(data, dict):
        raise ValidationFailed("Send a JSON object.", details={"body": "Expected an object."})


NUL = "\x00"


def _nul_in(value: Any, path: str) -> str | None:
    """The path of the first string holding NUL in a decoded JSON value or query."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        inner = f"{path}.{key}" if path else str(key)
        found = _nul_in(key, path or "body") or _nul_in(item, inner)
        if found:
            return found
    return None


def refuse_nul(data: Any) -> None:
    """Refuse NUL (U+0000) anywhere in ``data``: PostgreSQL text cannot store it.

    Raises:
        ValidationFailed: naming the field that holds it.
    """
    field = _nul_in(data, "")
    if field is not None:
        raise ValidationFailed(details={field: "Must not contain the NUL character (U+0000)."})
