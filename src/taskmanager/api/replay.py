"""``Idempotency-Key`` on POST, in HTTP terms: check, fingerprint, replay, record.

Before a POST under /api/v1 runs, a key (1 to 255 characters, else 400) is claimed
for its caller, or the first answer is replayed, or 409 is answered: another body
under the same key, or the first request still running (retry in a moment). After
the view, the answer is kept for 24 hours.

Which answers are kept: every one below 500, as Stripe does. A 4xx is the answer to
that exact request and changed nothing, so a retry would get it again anyway; a 5xx
is our failure, so the key is given back and a retry really runs.

Where the key is not honoured (it is still checked, and the request simply runs):
- answers that are secrets (a token pair, a new personal token): keeping them to
  replay would keep live credentials at rest;
- requests without an authenticated caller, i.e. the other /auth operations: keys
  belong to a user, and an address is no owner (many clients share one). Their
  bodies are passwords and refresh tokens, and each is safe to send again: register
  answers the same, revoke only revokes.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from functools import partial

from flask import Flask
from flask import Response
from flask import g
from flask import request
from sqlalchemy.exc import SQLAlchemyError

from taskmanager.api import bearer
from taskmanager.api import idempotency
from taskmanager.api.http import bearer_token
from taskmanager.errors import Unauthorized
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# What a replay repeats; rate-limit and request-id headers are the retry's own.
KEPT_HEADERS = ("Content-Type", "Location", "ETag")
NOT_REPLAYED = frozenset(
    {
        "api_auth.register",
        "api_auth.create_tokens",
        "api_auth.refresh",
        "api_auth.revoke",
        "api_auth.create_personal_token",
        # A body of any size, streamed: fingerprinting it would mean reading it first.
        "api_attachments.upload",
    }
)
_CLAIM = "_idempotency_claim"


def requested_key() -> str | None:
    """The request's ``Idempotency-Key``, if it sent one.

    Raises:
        ValidationFailed: an empty key, or one longer than 255 characters.
    """
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= idempotency.MAX_KEY_LENGTH:
        raise ValidationFailed(
            f"{HEADER} must be 1 to {idempotency.MAX_KEY_LENGTH} characters; a UUID is ideal.",
            details={HEADER: f"Send 1 to {idempotency.MAX_KEY_LENGTH} characters."},
        )
    return key


def fingerprint() -> str:
    """SHA-256 of method, path, query and body, the same for equal JSON however spelt."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}?".encode() + request.query_string + b"\n")
    if request.is_json:
        data = request.get_json(silent=True)
        digest.update(json.dumps(data, sort_keys=True, separators=(",", ":")).encode())
    else:
        # Forms and uploads: fields in order of name, files by content (read in chunks
        # and rewound, so a large upload is never held in memory).
        for name, value in sorted(request.form.items(multi=True)):
            digest.update(json.dumps([name, value]).encode())
        for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
            digest.update(json.dumps([name, upload.filename, upload.mimetype]).encode())
            for chunk in iter(partial(upload.stream.read, 64 * 1024), b""):
                digest.update(chunk)
            upload.stream.seek(0)
    return digest.hexdigest()


def _caller_id() -> int | None:
    token = bearer_token()
    if token is None:
        return None
    try:
        # The full check, as the view's will be: a revoked token replays nothing.
        return bearer.identify(token).id
    except Unauthorized:
        return None  # the view answers 401 itself


def _claim_or_replay(blueprint_names: frozenset[str]) -> Response | None:
    if request.method != "POST" or request.blueprint not in blueprint_names:
        return None
    key = requested_key()
    if key is None or request.endpoint in NOT_REPLAYED:
        return None
    user_id = _caller_id()
    if user_id is None:
        return None
    found = idempotency.claim(user_id=user_id, key=key, fingerprint=fingerprint())
    if isinstance(found, idempotency.Answer):
        response = Response(found.body, status=found.status, headers=found.headers)
        response.headers[REPLAYED_HEADER] = "true"
        return response
    setattr(g, _CLAIM, found)
    return None


def _record(response: Response) -> Response:
    claim_id: int | None = g.pop(_CLAIM, None)
    if claim_id is None:
        return response
    try:
        # The view's transaction is over. Whatever it left uncommitted (a failed
        # view's half-done changes) must not be committed along with the answer.
        db.session.rollback()
        if response.status_code >= 500 or response.is_streamed:
            idempotency.release(claim_id)
        else:
            kept = [
                (name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers
            ]
            answer = idempotency.Answer(response.status_code, response.get_data(), kept)
            idempotency.record(claim_id, answer)
    except SQLAlchemyError:
        # The work is done and answered; failing now would tell the client it was not.
        # The claim stays unanswered and is forgotten after idempotency.STALE_CLAIM.
        log.exception("Could not keep the answer for an Idempotency-Key")
        db.session.rollback()
    return response


def _release_unanswered(error: BaseException | None) -> None:
    # An exception escaped before _record saw a response (propagated in debug and
    # tests, or raised by another after-request hook): give the key back.
    claim_id: int | None = g.pop(_CLAIM, None)
    if claim_id is None:
        return
    try:
        db.session.rollback()
        idempotency.release(claim_id)
    except SQLAlchemyError:
        log.exception("Could not release an unanswered Idempotency-Key")


def init_app(app: Flask, blueprint_names: Iterable[str]) -> None:
    """Honour ``Idempotency-Key`` on the POST routes of these blueprints."""
    app.before_request(partial(_claim_or_replay, frozenset(blueprint_names)))
    app.after_request(_record)
    app.teardown_request(_release_unanswered)
