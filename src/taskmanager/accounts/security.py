"""Flask-Security configured for TaskManager: what it does, and how its mail is sent.

Flask-Security owns registration, confirmation, login with TOTP two-factor and
recovery codes, password reset and change. Its emails go through our outbox and
Celery like every other message; its pages use our layout.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from flask import Flask
from flask import current_app
from flask import request
from flask import session
from flask_limiter.util import get_remote_address
from flask_security import MailUtil
from flask_security import PasswordUtil
from flask_security import Security
from flask_security import SQLAlchemyUserDatastore
from flask_security import Totp
from flask_security import password_complexity_validator
from flask_security import password_length_validator
from passlib.exc import TokenError
from passlib.totp import TotpMatch
from sqlalchemy import or_
from sqlalchemy import update

from taskmanager.accounts.models import Role
from taskmanager.accounts.models import User
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.mail.services import queue_email
from taskmanager.rate_limits import limiter_for

ZXCVBN_MAX_LENGTH = 72

# Views that take a secret or an email: rate limited per client address and per account.
LIMITED_VIEWS = (
    "security.login",
    "security.two_factor_token_validation",
    "security.mf_recovery",
    "security.forgot_password",
    "security.register",
    "security.send_confirmation",
)


def security_settings(config: dict[str, Any]) -> dict[str, Any]:
    secret = str(config["SECRET_KEY"])
    derived = hashlib.sha256(("totp:" + secret).encode()).hexdigest()
    return {
        "SECURITY_PASSWORD_HASH": "argon2",
        # No legacy hashes to verify; listing bcrypt would also cap passwords at 72 bytes.
        "SECURITY_PASSWORD_SCHEMES": ["argon2"],
        "SECURITY_DEPRECATED_PASSWORD_SCHEMES": [],
        # Argon2 salts each hash itself; no extra HMAC layer is needed.
        "SECURITY_PASSWORD_SINGLE_HASH": True,
        "SECURITY_PASSWORD_LENGTH_MIN": 8,
        # zxcvbn refuses common and guessable passwords and accepts long passphrases.
        "SECURITY_PASSWORD_COMPLEXITY_CHECKER": "zxcvbn",
        "SECURITY_ZXCVBN_MINIMUM_SCORE": 3,
        "SECURITY_PASSWORD_CHECK_BREACHED": False,
        # The confirmation email proves an address works; a DNS lookup per request
        # only adds latency and fails on networks without outside DNS.
        "SECURITY_EMAIL_VALIDATOR_ARGS": {"check_deliverability": False},
        "SECURITY_REGISTERABLE": True,
        "SECURITY_CONFIRMABLE": True,
        "SECURITY_RECOVERABLE": True,
        "SECURITY_CHANGEABLE": True,
        "SECURITY_TWO_FACTOR": True,
        "SECURITY_TWO_FACTOR_ENABLED_METHODS": ["authenticator"],
        "SECURITY_TWO_FACTOR_RESCUE_MAIL": "",
        "SECURITY_MULTI_FACTOR_RECOVERY_CODES": True,
        "SECURITY_TOTP_SECRETS": {"1": derived},
        "SECURITY_TOTP_ISSUER": "TaskManager",
        # Same answer for known and unknown addresses: no account enumeration.
        "SECURITY_RETURN_GENERIC_RESPONSES": True,
        "SECURITY_LOGOUT_METHODS": ["POST"],
        "SECURITY_POST_LOGIN_VIEW": "/dashboard",
        "SECURITY_POST_LOGOUT_VIEW": "/",
        "SECURITY_POST_REGISTER_VIEW": "/login",
        "SECURITY_DEFAULT_REMEMBER_ME": False,
        "SECURITY_EMAIL_SENDER": config["MAIL_DEFAULT_SENDER"],
        "SECURITY_TRACKABLE": False,
        "SECURITY_USE_REGISTER_V2": True,
        "SECURITY_FLASH_MESSAGES": True,
        # Pages take only the revocable session (sessions.py). Flask-Security's own
        # auth token outlives logout and is accepted in a query string; the API has
        # its own revocable JWTs, so nothing needs it: see refuse_auth_tokens below.
        "SECURITY_API_ENABLED_METHODS": ["session"],
        "SECURITY_FRESHNESS_ALLOW_AUTH_TOKEN": False,
        # Disabling two-factor, new recovery codes or a password-less change ask for
        # the password again (/verify) unless the sign-in is this recent. The grace
        # period keeps a user who is in the middle of such a step from being asked twice.
        "SECURITY_FRESHNESS": timedelta(minutes=15),
        "SECURITY_FRESHNESS_GRACE_PERIOD": timedelta(minutes=5),
        # Flask-Security's messages in plain words, each saying what to do next.
        "SECURITY_MSG_RETYPE_PASSWORD_MISMATCH": (
            "The two passwords differ: type the same password twice.",
            "error",
        ),
        "SECURITY_MSG_PASSWORD_MISMATCH": ("That is not your current password.", "error"),
        "SECURITY_MSG_PASSWORD_TOO_SIMPLE": (
            "This password is too easy to guess: try a few unrelated words.",
            "error",
        ),
        "SECURITY_MSG_LOGIN": ("Sign in to see this page.", "info"),
    }


class CodeAlreadyUsed(TokenError):
    """A TOTP code (or an older one) was already accepted for this account."""


class OnceTotp(Totp):
    """TOTP codes accepted once per user: replaying a code, even within its window, fails.

    Flask-Security leaves replay protection to these two hooks. The stored step only
    moves forward, with a conditional UPDATE: of two requests racing with the same
    code, the second waits for the first's row lock, then matches no row and fails.
    """

    def get_last_counter(self, user: Any) -> int | None:
        counter: int | None = user.tf_totp_last_counter
        return counter

    def set_last_counter(self, user: Any, tmatch: TotpMatch) -> None:
        counter = int(tmatch.counter)
        moved = db.session.execute(
            update(User)
            .where(
                User.id == user.id,
                or_(User.tf_totp_last_counter.is_(None), User.tf_totp_last_counter < counter),
            )
            .values(tf_totp_last_counter=counter)
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise CodeAlreadyUsed()
        user.tf_totp_last_counter = counter


class QueuedMailUtil(MailUtil):
    """Flask-Security's mail, stored and delivered by the worker like all our mail."""

    def send_mail(
        self,
        template: str,
        subject: str,
        recipient: str | tuple[str, str],
        sender: str | tuple[str, str],
        body: str | None,
        html: str | None,
        **kwargs: Any,
    ) -> None:
        to = recipient if isinstance(recipient, str) else recipient[1]
        queue_email(to=to, subject=str(subject), text=body or "", html=html)
        # Some Flask-Security views (password reset, resend confirmation) change no row
        # and so never commit; the message must not die with their session.
        db.session.commit()

    # One account per address whatever its case: stored and looked up lower-cased.
    def normalize(self, email: str) -> str:
        return str(super().normalize(email)).lower()

    def validate(self, email: str) -> str:
        return str(super().validate(email)).lower()


class PassphrasePasswordUtil(PasswordUtil):
    """Flask-Security's password rules, with long passphrases welcome.

    zxcvbn refuses to score more than 72 characters (it raises), so longer
    passphrases are judged on their first 72: still refusing "aaaa..." but
    accepting a sentence.
    """

    def validate(
        self, password: str, is_register: bool, **kwargs: Any
    ) -> tuple[list[str] | None, str]:
        normalized = self.normalize(password)
        too_short = password_length_validator(normalized)
        if too_short:
            return too_short, normalized
        scored = normalized[:ZXCVBN_MAX_LENGTH]
        return password_complexity_validator(scored, is_register, **kwargs), normalized


def refuse_auth_tokens() -> None:
    """Flask-Security would answer ``?include_auth_token`` with a long-lived token: refuse.

    Raises:
        ValidationFailed: (400) saying what to use instead.
    """
    if request.blueprint == "security" and "include_auth_token" in request.args:
        raise ValidationFailed(
            "This site does not hand out sign-in tokens. Pages use your session; for "
            "the API, create tokens with POST /api/v1/auth/tokens."
        )


def account_key() -> str:
    """The rate-limit bucket of the account a sign-in form is about.

    The email typed into the form, or, on the two-factor and recovery-code steps, the
    account that passed the password step. Limiting per account as well as per address
    stops a guesser who rotates addresses; the moving window means no lockout outlasts
    the limit's period, so the owner is never locked out for good.
    """
    email = request.form.get("email")
    if email is None and request.is_json:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    if isinstance(email, str) and email.strip():
        return "account:" + email.strip().lower()[:320]
    pending = session.get("tf_user_id")
    if pending:
        return f"account-id:{pending}"
    return get_remote_address()


def current_security() -> Security:
    """This app's Flask-Security instance."""
    instance: Security = current_app.extensions["security"]
    return instance


def init_app(app: Flask) -> None:
    for key, value in security_settings(app.config).items():
        app.config.setdefault(key, value)
    datastore = SQLAlchemyUserDatastore(db, User, Role)
    # One Security per app: it keeps app-derived state (TOTP keys, helpers) on itself.
    Security(
        app,
        datastore,
        mail_util_cls=QueuedMailUtil,
        password_util_cls=PassphrasePasswordUtil,
        totp_cls=OnceTotp,
    )
    # Flask-Login asks the request loader for a user when there is no session: that is
    # where Flask-Security reads its auth token (header, query string or JSON body).
    # No loader, no token sign-in, whatever a client sends.
    app.login_manager.request_loader(lambda _request: None)  # type: ignore[attr-defined]
    app.before_request(refuse_auth_tokens)
    limiter = limiter_for(app)
    rate = app.config["LOGIN_RATE_LIMIT"]
    for endpoint in LIMITED_VIEWS:
        view = app.view_functions.get(endpoint)
        if view is not None:
            limited = limiter.limit(rate, methods=["POST"])(view)
            limited = limiter.limit(rate, methods=["POST"], key_func=account_key)(limited)
            app.view_functions[endpoint] = limited  # type: ignore[assignment]
