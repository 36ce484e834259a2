"""HTTP conventions of the API, in one place: pages and cursors, Link, ETag and
If-Match, Location, and how the OpenAPI document describes those headers."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any
from typing import Protocol
from typing import TypeVar
from urllib.parse import urlencode

from flask import current_app
from flask import request
from itsdangerous import BadSignature
from itsdangerous import URLSafeSerializer
from pydantic import BaseModel
from sqlalchemy import Select

from taskmanager import links
from taskmanager.errors import PreconditionFailed
from taskmanager.errors import Unprocessable
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db

Row = TypeVar("Row")


class KeysetQuery(Protocol):
    """A list's query string that can page by cursor (``tasks.schemas.ProjectTaskQuery``)."""

    @property
    def cursor(self) -> str | None: ...

    @property
    def sort(self) -> str: ...

    @property
    def model_fields_set(self) -> set[str]: ...

    def model_dump(self, *, mode: str, exclude: set[str]) -> dict[str, Any]: ...


Headers = dict[str, str]


def _url(**changes: str | None) -> str:
    """This request's URL with some query arguments replaced (None removes one)."""
    args = request.args.to_dict()
    for name, value in changes.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = value
    return f"{links.absolute(request.path)}?{urlencode(args)}"


def link_header(*, page: int, pages: int) -> str:
    """RFC 8288 links to the first, previous, next and last pages of this request."""
    links = {"first": 1, "last": pages}
    if page > 1:
        links["prev"] = min(page - 1, pages)
    if page < pages:
        links["next"] = page + 1
    return ", ".join(
        f'<{_url(page=str(number), cursor=None)}>; rel="{rel}"' for rel, number in links.items()
    )


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


def paged(
    query: Select[Row], *, page: int, per_page: int, out: Callable[[Row], BaseModel]
) -> tuple[dict[str, Any], int, Headers]:
    """One page of ``query``, counted and sliced in SQL, each row shown through ``out``."""
    found = db.paginate(query, page=page, per_page=per_page, error_out=False)
    items = [out(row) for row in found.items]
    return page_of(items, total=found.total or 0, page=page, per_page=per_page)


# --- keyset cursors -------------------------------------------------------------------
#
# A cursor is the position of the last task a page showed (the service's
# ``Page.next_after``), signed so it cannot be edited into another position, and
# bound to the list it came from: the path, the sort and the filters. Following it
# with other filters would start the page at a place that means nothing there.


def _cursors() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="taskmanager.api.cursor")


def _made_for(query: KeysetQuery) -> str:
    """A digest of the list ``query`` asks for: path, filters and sort, not the page."""
    made_for = {
        "path": request.path,
        **query.model_dump(mode="json", exclude={"page", "per_page", "cursor"}),
    }
    return hashlib.sha256(json.dumps(made_for, sort_keys=True).encode()).hexdigest()[:16]


def read_cursor(query: KeysetQuery) -> list[object] | None:
    """The position ``?cursor=`` names, if one was sent.

    Raises:
        Unprocessable: with ``page`` too, not signed here, or made for another list.
    """
    if query.cursor is None:
        return None

    def refused(reason: str) -> Unprocessable:
        return Unprocessable("This cursor cannot be used here.", details={"cursor": reason})

    if "page" in query.model_fields_set:
        raise refused("Send cursor or page, not both: a cursor already says where its page starts.")
    try:
        made = _cursors().loads(query.cursor)
    except BadSignature:
        raise refused(
            "This is not a cursor this API issued. Pass next_cursor back unchanged, "
            "or leave cursor out to start at the first page."
        ) from None
    if not isinstance(made, dict) or not isinstance(made.get("after"), list):
        raise refused("This cursor is from another version of the API; leave it out to start over.")
    if made.get("sort") != query.sort:
        raise refused(
            f"This cursor was made for sort={made.get('sort')}: send that sort with it, "
            "or leave cursor out to start over."
        )
    if made.get("for") != _made_for(query):
        raise refused(
            "This cursor was made for other filters or another list: repeat the query it "
            "came from, or leave cursor out to start over."
        )
    after: list[object] = made["after"]
    return after


def cursor_page_of(
    items: Sequence[Any],
    *,
    query: KeysetQuery,
    total: int,
    page: int | None,
    per_page: int,
    next_after: Sequence[object] | None,
) -> tuple[dict[str, Any], int, Headers]:
    """The page envelope of a list that also pages by cursor, and its Link header.

    Every page carries ``next_cursor``, so a client can switch from pages to cursors
    at any point. A page asked for by cursor has no number (``page`` is null) and
    links only to the first page and the next one.
    """
    next_cursor = None
    if next_after is not None:
        next_cursor = _cursors().dumps(
            {"after": list(next_after), "sort": query.sort, "for": _made_for(query)}
        )
    body, status, headers = page_of(items, total=total, page=page or 1, per_page=per_page)
    body.update(page=page, next_cursor=next_cursor)
    if page is None:
        links = {"first": _url(page="1", cursor=None)}
        if next_cursor is not None:
            links["next"] = _url(page=None, cursor=next_cursor)
        headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
    return body, status, headers


# --- ETag, If-Match, Location ---------------------------------------------------------


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


def created(location: str) -> Headers:
    return {"Location": location}


def require_object(data: Any) -> None:
    if not isinstance(data, dict):
        raise ValidationFailed("Send a JSON object.", details={"body": "Expected an object."})


# --- the OpenAPI description of these headers -----------------------------------------

RESPONSE_HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": 'This representation\'s tag, quoted (like "3"). Send it back as '
        "If-Match to change only what you read, or If-None-Match for a 304 while it holds.",
        "schema": {"type": "string", "example": '"3"'},
    },
    "Location": {
        "description": "The path of the created resource.",
        "schema": {"type": "string", "format": "uri-reference"},
    },
    "Link": {
        "description": "RFC 8288 links to the first, prev, next and last pages; a page "
        "asked for by cursor links to the first page and the next one.",
        "schema": {"type": "string"},
    },
}

PRECONDITION_FAILED = (
    "The If-Match ETag is stale: someone changed it since you read it. Nothing was "
    "changed; read it again and retry."
)
NOT_MODIFIED = "Not Modified: If-None-Match named the current ETag. No body; use what you have."


def responses(*errors: int, status: int = 200, headers: Sequence[str] = ()) -> dict[int, Any]:
    """``@bp.doc(responses=...)``: the headers the success response carries, and the
    error statuses the operation can answer (in the one error shape; 304 has no body)."""
    documented: dict[int, Any] = {
        code: PRECONDITION_FAILED if code == 412 else HTTPStatus(code).phrase for code in errors
    }
    if 304 in errors:
        documented[304] = {
            "description": NOT_MODIFIED,
            "headers": {"ETag": RESPONSE_HEADERS["ETag"]},
        }
    if headers:
        documented[status] = {"headers": {name: RESPONSE_HEADERS[name] for name in headers}}
    return documented


def bearer_token() -> str | None:
    """The token of the request's ``Authorization: Bearer`` header, if it has one.

    For what runs before the view authenticates (rate limits, idempotency keys); views
    get their caller from ``bearer.caller()``.
    """
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


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
