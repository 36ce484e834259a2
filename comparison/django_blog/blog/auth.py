"""Bearer tokens: HS256 JWTs signed with SECRET_KEY, checked per request."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import jwt
from django.conf import settings
from django.http import HttpRequest

from blog.errors import InvalidToken
from blog.errors import TokenExpired
from blog.errors import TokenMissing
from blog.models import User


def issue_token(user: User) -> dict[str, object]:
    now = datetime.now(UTC)
    payload = {
        "sub": str(user.pk),
        "iat": now,
        "exp": now + timedelta(seconds=settings.BLOG_TOKEN_TTL),
    }
    return {
        "access_token": jwt.encode(payload, settings.SECRET_KEY, algorithm="HS256"),
        "token_type": "Bearer",
        "expires_in": settings.BLOG_TOKEN_TTL,
    }


def user_from_request(request: HttpRequest) -> User:
    """The user named by a valid ``Authorization: Bearer`` token, or a 401 ``APIError``."""
    header = request.headers.get("Authorization", "").strip()
    scheme, _, token = header.partition(" ")
    if scheme != "Bearer":
        raise TokenMissing("Send Authorization: Bearer <token>")
    token = token.strip()
    if not token or " " in token:
        raise InvalidToken("Token is invalid")
    try:
        payload = jwt.decode(
            token, settings.SECRET_KEY, algorithms=["HS256"], options={"require": ["exp", "sub"]}
        )
    except jwt.ExpiredSignatureError:
        raise TokenExpired("Token has expired") from None
    except jwt.InvalidTokenError:
        raise InvalidToken("Token is invalid") from None
    subject = payload["sub"]
    user = None
    if (
        isinstance(subject, str)
        and subject.isascii()
        and subject.isdigit()
        and int(subject) < 2**31
    ):
        user = User.objects.filter(pk=int(subject)).first()
    if user is None:
        raise InvalidToken("Token is invalid")
    return user
