from __future__ import annotations

from datetime import datetime

from flask_security import AsaList
from flask_security import RoleMixin
from flask_security import UserMixin
from sqlalchemy import BigInteger
from sqlalchemy import Boolean
from sqlalchemy import Column
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy.ext.mutable import MutableList
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from taskmanager.db import TimestampMixin
from taskmanager.db import utcnow
from taskmanager.extensions import Model

user_roles = Table(
    "user_roles",
    Model.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
)


class Role(Model, RoleMixin):
    """Flask-Security's site-wide roles. Organization roles live on memberships."""

    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str | None] = mapped_column(String(255))
    permissions: Mapped[list[str] | None] = mapped_column(MutableList.as_mutable(AsaList()))


class User(Model, TimestampMixin, UserMixin):
    """A person who signs in.

    Every path that stores or looks up an email lower-cases it first (see
    ``QueuedMailUtil.normalize``), so the unique constraint is case-insensitive.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed_at: Mapped[datetime | None]
    # Changing it signs the user out everywhere (Flask-Security does so on password change).
    fs_uniquifier: Mapped[str] = mapped_column(String(64), unique=True)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Notification preferences; every notification email links to a one-click opt-out.
    notify_assigned: Mapped[bool] = mapped_column(default=True)
    notify_mentions: Mapped[bool] = mapped_column(default=True)
    reminder_hours: Mapped[int] = mapped_column(default=24)  # 0 turns reminders off
    weekly_summary: Mapped[bool] = mapped_column(default=True)
    # Comments on, and completion of, the tasks one follows (notifications/watchers.py).
    notify_watching: Mapped[bool] = mapped_column(default=True)
    weekly_summary_sent_for: Mapped[str | None] = mapped_column(String(10))  # "2026-W48"
    # Only a hash of the secret calendar-feed token is kept; a new token revokes the old.
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Two-factor (TOTP) state, managed by Flask-Security.
    tf_primary_method: Mapped[str | None] = mapped_column(String(64))
    tf_totp_secret: Mapped[str | None] = mapped_column(String(255))
    # The time step of the last code accepted (security.OnceTotp): a code works once.
    tf_totp_last_counter: Mapped[int | None] = mapped_column(BigInteger)
    tf_phone_number: Mapped[str | None] = mapped_column(String(128))
    mf_recovery_codes: Mapped[list[str] | None] = mapped_column(MutableList.as_mutable(AsaList()))

    # Loaded when asked for (Flask-Security's role checks), not with every user: users
    # come joined to tasks, comments and memberships, and none of those shows roles.
    roles = relationship("Role", secondary=user_roles, lazy="select")

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@", 1)[0]


class LoginSession(Model):
    """One signed-in browser. The cookie names it; revoking the row ends the session.

    Signed-cookie sessions cannot be taken back by the server on their own: a cookie
    copied before logout would keep working. This row is what logout revokes.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    revoked_at: Mapped[datetime | None]
