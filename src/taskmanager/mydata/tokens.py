"""The signed, expiring link to a data export (its download also needs the owner signed in)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature
from itsdangerous import URLSafeTimedSerializer

from taskmanager import links
from taskmanager.errors import NotFound
from taskmanager.mydata.models import DataExport

SALT = "data-export"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def download_link(export: DataExport) -> str:
    token = _serializer().dumps({"export": export.id, "user": export.user_id})
    return links.external("mydata.download", token=token)


def read(token: str) -> dict[str, Any]:
    """The claims of a genuine, unexpired link.

    Raises:
        NotFound: a forged or expired link.
    """
    max_age = int(current_app.config["DATA_EXPORT_LINK_SECONDS"])
    try:
        claims: dict[str, Any] = _serializer().loads(token, max_age=max_age)
    except BadSignature:
        raise NotFound("This download link is not valid any more; ask for a new export.") from None
    return claims
