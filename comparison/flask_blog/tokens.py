"""Issuing bearer tokens, and Flask-JWT-Extended's answers in the contract's shape."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import current_app
from flask import request
from flask_jwt_extended import JWTManager
from flask_jwt_extended import create_access_token
from flask_jwt_extended.exceptions import JWTExtendedException
from sqlalchemy import select

from comparison.flask_blog.errors import InvalidCredentials
from comparison.flask_blog.errors import error_response
from comparison.flask_blog.extensions import db
from comparison.flask_blog.models import User
from comparison.flask_blog.schemas import read_credentials

bp = Blueprint("tokens", __name__)


@bp.post("/tokens")
def create_token() -> dict[str, Any]:
    credentials = read_credentials(request.get_json())
    user = db.session.scalar(select(User).filter_by(email=credentials.email))
    if user is None or not user.check_password(credentials.password):
        raise InvalidCredentials("Invalid email or password")
    lifetime = current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]
    return {
        "access_token": create_access_token(identity=str(user.id)),
        "token_type": "Bearer",
        "expires_in": int(lifetime.total_seconds()),
    }


def _invalid(*_: Any) -> Response:
    return error_response(401, "invalid_token", "Token is invalid")


def register_jwt_callbacks(app: Flask, jwt: JWTManager) -> None:
    """Point every Flask-JWT-Extended failure at the contract's three 401 codes."""
    # Rarer extension errors (e.g. a refresh-type token) have no loader of their own.
    app.register_error_handler(JWTExtendedException, _invalid)

    @jwt.user_lookup_loader
    def load_user(_header: dict[str, Any], payload: dict[str, Any]) -> User | None:
        subject = payload["sub"]
        if not (isinstance(subject, str) and subject.isascii() and subject.isdigit()):
            return None
        return db.session.get(User, int(subject)) if int(subject) < 2**31 else None

    @jwt.token_verification_loader
    def has_expiry(_header: dict[str, Any], payload: dict[str, Any]) -> bool:
        # PyJWT checks `exp` only when present; a token must not live forever.
        return "exp" in payload

    @jwt.unauthorized_loader
    def missing(_reason: str) -> Response:
        return error_response(401, "token_missing", "Send Authorization: Bearer <token>")

    @jwt.expired_token_loader
    def expired(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
        return error_response(401, "token_expired", "Token has expired")

    jwt.invalid_token_loader(_invalid)
    jwt.user_lookup_error_loader(_invalid)
    jwt.token_verification_failed_loader(_invalid)
