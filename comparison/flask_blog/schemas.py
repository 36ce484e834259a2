"""Reading requests (validation) and writing responses (serialization) by hand.

Flask ships neither; these few functions are what APIFlask or marshmallow would give.
Every reader raises ``ValidationFailed`` naming all bad fields at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError
from email_validator import validate_email
from werkzeug.datastructures import MultiDict

from comparison.flask_blog.errors import ValidationFailed
from comparison.flask_blog.models import Post

USERNAME = re.compile(r"[A-Za-z0-9_]{3,32}")
DIGITS = re.compile(r"[0-9]{1,10}")
MAX_PAGE = 2**31 - 1
MAX_ID = 2**31 - 1


def _is_unicode(value: str) -> bool:
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


class _Reader:
    """Collects per-field errors while reading one JSON object."""

    def __init__(self, data: Any) -> None:
        if not isinstance(data, dict):
            raise ValidationFailed({"body": ["Expected a JSON object."]})
        self.data = data
        self.errors: dict[str, list[str]] = {}

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def string(
        self, name: str, *, min_length: int, max_length: int, strip: bool = False
    ) -> str | None:
        """The field's value, or None after recording why it is missing or invalid."""
        if name not in self.data:
            self.error(name, "This field is required.")
            return None
        value = self.data[name]
        if not isinstance(value, str):
            self.error(name, "Must be a string.")
            return None
        if strip:
            value = value.strip()
        if "\x00" in value:
            self.error(name, "Must not contain NUL characters.")
        elif not _is_unicode(value):
            self.error(name, "Must be valid Unicode (no lone surrogates).")
        elif len(value) < min_length:
            self.error(
                name,
                f"Must be at least {min_length} characters."
                if min_length > 1
                else "Must not be empty.",
            )
        elif len(value) > max_length:
            self.error(name, f"Must be at most {max_length} characters.")
        else:
            return value
        return None

    def done(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


@dataclass(frozen=True)
class NewUser:
    username: str
    email: str
    password: str


@dataclass(frozen=True)
class Credentials:
    email: str
    password: str


def read_new_user(data: Any) -> NewUser:
    reader = _Reader(data)
    username = reader.string("username", min_length=3, max_length=32)
    if username is not None and not USERNAME.fullmatch(username):
        reader.error("username", "Use 3-32 letters, digits or underscores.")
    email = reader.string("email", min_length=3, max_length=254)
    if email is not None:
        try:
            email = validate_email(email.strip(), check_deliverability=False).normalized.lower()
        except EmailNotValidError as error:
            reader.error("email", str(error))
    password = reader.string("password", min_length=8, max_length=128)
    reader.done()
    assert username is not None and email is not None and password is not None
    return NewUser(username=username, email=email, password=password)


def read_credentials(data: Any) -> Credentials:
    reader = _Reader(data)
    email = reader.string("email", min_length=1, max_length=254)
    password = reader.string("password", min_length=1, max_length=128)
    reader.done()
    assert email is not None and password is not None
    return Credentials(email=email.lower(), password=password)


def read_post(data: Any, *, partial: bool = False) -> dict[str, str]:
    """Title and body for a new post, or (``partial``) just those present for a PATCH."""
    reader = _Reader(data)
    fields: dict[str, str] = {}
    for name, rules in (
        ("title", {"min_length": 1, "max_length": 120, "strip": True}),
        ("body", {"min_length": 1, "max_length": 10_000}),
    ):
        if partial and name not in reader.data:
            continue
        value = reader.string(name, **rules)  # type: ignore[arg-type]
        if value is not None:
            fields[name] = value
    reader.done()
    return fields


def read_page(args: MultiDict[str, str]) -> tuple[int, int]:
    """``page`` and ``per_page`` from the query string, defaults 1 and 20."""
    errors: dict[str, list[str]] = {}
    values = []
    for name, default, maximum in (("page", 1, MAX_PAGE), ("per_page", 20, 100)):
        raw = args.get(name)
        if raw is None:
            values.append(default)
        elif not DIGITS.fullmatch(raw) or not 1 <= int(raw) <= maximum:
            errors[name] = [f"Must be an integer from 1 to {maximum}."]
        else:
            values.append(int(raw))
    if errors:
        raise ValidationFailed(errors)
    return values[0], values[1]


def iso_utc(moment: datetime) -> str:
    # SQLite hands back naive datetimes; everything stored is UTC.
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def post_json(post: Post) -> dict[str, Any]:
    return {
        "id": post.id,
        "title": post.title,
        "body": post.body,
        "author": post.author.username,
        "created_at": iso_utc(post.created_at),
    }
