"""Conditional GET: an ETag on a representation, and 304 when the client already has it.

Pages (the board's poll) and the API answer ``If-None-Match`` the same way: the
comparison is weak, as RFC 9110 asks for GET, and a 304 carries the ETag again and no
body, so an idle client polling costs a lookup and a few bytes.
"""

from __future__ import annotations

import hashlib

from flask import Response
from flask import after_this_request
from flask import request

# The browser keeps the answer but asks again each time: a page or list changes under
# other people's hands, and only the server knows when.
REVALIDATE = "private, no-cache"


def tag(*parts: object) -> str:
    """A strong ETag (quoted) digesting ``parts``: equal parts give the same tag."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return f'"{digest[:24]}"'


def unchanged(etag: str) -> bool:
    """Whether this request's ``If-None-Match`` names ``etag`` (or ``*``)."""
    return request.if_none_match.contains_weak(etag.strip('"'))


def not_modified(etag: str) -> Response:
    """The 304 answer: the ETag again, nothing else."""
    return Response(status=304, headers={"ETag": etag, "Cache-Control": REVALIDATE})


def etag_by_digest() -> None:
    """Give this request's 200 answer an ETag digesting its body, and answer 304 when
    ``If-None-Match`` names it.

    For representations without a version of their own (a page of a list): the digest
    changes with anything the answer shows, and costs no statement.
    """

    @after_this_request
    def conditional(response: Response) -> Response:
        if response.status_code == 200 and not response.direct_passthrough:
            response.add_etag()
            response.headers["Cache-Control"] = REVALIDATE
            response.make_conditional(request)
        return response
