"""What the API keeps: refresh-token families, personal tokens, idempotency keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from taskmanager.accounts.models import User
from taskmanager.db import utcnow
from taskmanager.extensions import Model


class TokenFamily(Model):
    """One sign-in through the API: every refresh token it rotates through.

    Only the newest refresh token of a family is valid (``current_jti``). Presenting an
    older one means it was copied: the whole family is revoked, which also ends its
    access tokens (they name their family).
    """

    __tablename__ = "api_token_families"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    current_jti: Mapped[str] = mapped_column(String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    rotated_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class PersonalToken(Model):
    """A long-lived token for scripts; only its SHA-256 is stored, it is shown once."""

    __tablename__ = "api_personal_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so a person can tell their tokens apart without the secret.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class IdempotencyKey(Model):
    """A POST's ``Idempotency-Key`` and the first answer it got, kept 24 hours.

    Keys belong to one user: two users may send the same key. ``status`` is None
    while the first request still runs (a retry meanwhile gets 409). ``fingerprint``
    is a SHA-256 of method, path and canonical body, so the same key with another
    request is recognised without storing that request.
    """

    __tablename__ = "api_idempotency_keys"
    __table_args__ = (
        UniqueConstraint("user_id", "key", name="uq_api_idempotency_keys_user_id_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    # Indexed for the purge of expired keys.
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    status: Mapped[int | None]
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    headers: Mapped[list[list[str]] | None] = mapped_column(JSON)
