"""Server-side revocable sign-in sessions on top of signed-cookie sessions.

Flask keeps the session in a signed cookie, so by itself a cookie copied before
logout stays valid until it expires. Each sign-in therefore gets a random token kept
in the cookie and, hashed, in ``login_sessions``; the user loader accepts a cookie
only while its row is live. Logout revokes the row; signing in makes a new one, so
the session identifier changes at every login.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from flask import Flask
from flask import request
from flask import session
from flask_login import user_logged_out
from flask_security import password_changed
from flask_security import password_reset
from flask_security import user_authenticated
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update

from taskmanager.accounts.models import LoginSession
from taskmanager.accounts.models import User
from taskmanager.db import utcnow
from taskmanager.extensions import db

SESSION_KEY = "_sid"
MAX_AGE = timedelta(days=30)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User) -> None:
    """Open a new session row for ``user`` and name it in the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        LoginSession(
            token_hash=_hash(token),
            user_id=user.id,
            user_agent=(request.user_agent.string or "")[:255],
            ip_address=request.remote_addr or "",
        )
    )
    session[SESSION_KEY] = token
    session.permanent = True


def end_current() -> None:
    """Revoke the session named by the current cookie, if any."""
    token = session.pop(SESSION_KEY, None)
    if token:
        db.session.execute(
            update(LoginSession)
            .where(LoginSession.token_hash == _hash(token), LoginSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def end_all(user: User, *, keep_current: bool = False) -> None:
    """Revoke every session of ``user``, optionally sparing the one making the request."""
    query = update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None)
    )
    current = session.get(SESSION_KEY) if keep_current else None
    if current:
        query = query.where(LoginSession.token_hash != _hash(current))
    db.session.execute(query.values(revoked_at=utcnow()))


def end_api_credentials(user: User) -> None:
    """Revoke every API token family (refresh and access tokens) and personal token.

    A password change or reset, a deactivation and "sign out on every other device"
    all mean "whoever else holds a credential of mine loses it". Personal tokens are
    included: they are credentials like any other, and the settings page says so.
    """
    # Imported here: api.models imports accounts.models, and accounts is loaded first.
    from taskmanager.api.models import PersonalToken
    from taskmanager.api.models import TokenFamily

    db.session.execute(
        update(TokenFamily)
        .where(TokenFamily.user_id == user.id, TokenFamily.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    db.session.execute(delete(PersonalToken).where(PersonalToken.user_id == user.id))


def end_everywhere(user: User, *, keep_current: bool = False) -> None:
    """Every session (optionally sparing this one) and every API credential of ``user``."""
    end_all(user, keep_current=keep_current)
    end_api_credentials(user)


def is_live(user: User) -> bool:
    token = session.get(SESSION_KEY)
    if not token:
        return False
    row = db.session.scalar(
        select(LoginSession).where(
            LoginSession.token_hash == _hash(token),
            LoginSession.user_id == user.id,
            LoginSession.revoked_at.is_(None),
        )
    )
    return row is not None and utcnow() - row.created_at < MAX_AGE


def init_app(app: Flask) -> None:
    """Guard Flask-Security's user loader and follow sign-in, sign-out and password events."""
    login_manager = app.login_manager  # type: ignore[attr-defined]
    load_user = login_manager._user_callback

    def load_live_user(user_id: str) -> User | None:
        user: User | None = load_user(user_id)
        if user is None or not is_live(user):
            session.pop("_user_id", None)
            return None
        return user

    login_manager.user_loader(load_live_user)

    def on_authenticated(sender: Any, user: User, **extra: Any) -> None:
        end_current()
        start(user)
        # Not every Flask-Security view commits after signing in (the two-factor
        # step does not); without its row the new session would be refused.
        db.session.commit()

    def on_logged_out(sender: Any, user: User, **extra: Any) -> None:
        end_current()
        db.session.commit()

    def on_password_changed(sender: Any, user: User, **extra: Any) -> None:
        # The view commits after this signal.
        end_everywhere(user, keep_current=True)

    def on_password_reset(sender: Any, user: User, **extra: Any) -> None:
        # Whoever asked for the reset is not signed in: no session to spare.
        end_everywhere(user)

    # Signals are process-wide; each handler acts only for this app.
    user_authenticated.connect(on_authenticated, app, weak=False)
    user_logged_out.connect(on_logged_out, app, weak=False)
    password_changed.connect(on_password_changed, app, weak=False)
    password_reset.connect(on_password_reset, app, weak=False)
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", MAX_AGE)
