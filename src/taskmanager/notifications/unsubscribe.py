"""Signed one-click opt-out links for notification emails."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature
from itsdangerous import URLSafeSerializer

from taskmanager import links
from taskmanager.accounts.models import User
from taskmanager.errors import NotFound
from taskmanager.extensions import db

# Which preference each kind of email turns off.
KINDS = {
    "assigned": "notify_assigned",
    "mentions": "notify_mentions",
    "watching": "notify_watching",
    "reminders": "reminder_hours",
    "weekly": "weekly_summary",
}


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe")


def token_for(user: User, kind: str) -> str:
    return str(_serializer().dumps([user.id, kind]))


def link_for(user: User, kind: str) -> str:
    return links.external("notifications.confirm", token=token_for(user, kind))


def read(token: str) -> tuple[User, str]:
    """The user and kind a token names. Raises NotFound for a tampered token."""
    try:
        user_id, kind = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise NotFound("This unsubscribe link is not valid.") from None
    user = db.session.get(User, user_id)
    if user is None or kind not in KINDS:
        raise NotFound("This unsubscribe link is not valid.")
    return user, kind


def unsubscribe(*, user: User, kind: str) -> None:
    setattr(user, KINDS[kind], 0 if kind == "reminders" else False)
    db.session.commit()
