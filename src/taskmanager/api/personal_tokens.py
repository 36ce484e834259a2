"""Personal API tokens: long-lived bearer secrets a user makes and revokes by hand.

Only a hash of each secret is kept; ``bearer.authenticate`` accepts them next to JWTs.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Select
from sqlalchemy import select

from taskmanager.accounts.identity import Someone
from taskmanager.accounts.models import User
from taskmanager.api.models import PersonalToken
from taskmanager.api.tokens import PERSONAL_PREFIX
from taskmanager.api.tokens import sha256
from taskmanager.errors import NotFound
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db


def personal_tokens_query(user: Someone) -> Select[PersonalToken]:
    """The user's personal tokens, newest first."""
    query = select(PersonalToken).where(PersonalToken.user_id == user.id)
    return query.order_by(PersonalToken.created_at.desc(), PersonalToken.id.desc())


def personal_tokens(user: User) -> list[PersonalToken]:
    return list(db.session.scalars(personal_tokens_query(user)))


def create_personal_token(*, user: User, name: str) -> tuple[PersonalToken, str]:
    """A new personal token and its secret, which is never retrievable again."""
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise ValidationFailed(details={"name": "Give the token a name of 1 to 100 characters."})
    secret = PERSONAL_PREFIX + secrets.token_urlsafe(32)
    token = PersonalToken(user_id=user.id, name=name, token_hash=sha256(secret), prefix=secret[:10])
    db.session.add(token)
    db.session.commit()
    return token, secret


def delete_personal_token(*, user: User, token_id: int) -> None:
    token = db.session.get(PersonalToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("No such token.")
    db.session.delete(token)
    db.session.commit()
