"""Pydantic models: the wire format, and all of the request validation."""

import re
from datetime import UTC
from typing import Annotated
from typing import Literal

from fastapi import Query
from pydantic import AfterValidator
from pydantic import BaseModel
from pydantic import BeforeValidator
from pydantic import EmailStr
from pydantic import StringConstraints

from comparison.fastapi_blog.models import Post

MAX_PAGE = 2**31 - 1
MAX_ID = 2**31 - 1


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Must not contain NUL characters.")
    return value


def _digits(value: object) -> object:
    # Pydantic would read " 1", "+1" and "1.0" as 1; the contract wants plain digits.
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{1,10}", value):
        raise ValueError("Must be a whole number.")
    return value


def _lower_email(value: str) -> str:
    if len(value) > 254:
        raise ValueError("Must be at most 254 characters.")
    return value.lower()


NoNul = AfterValidator(_no_nul)
Username = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]{3,32}$")]
Password = Annotated[str, StringConstraints(min_length=8, max_length=128), NoNul]
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), NoNul
]
Body = Annotated[str, StringConstraints(min_length=1, max_length=10_000), NoNul]
PageNumber = Annotated[int, BeforeValidator(_digits), Query(ge=1, le=MAX_PAGE)]
PerPage = Annotated[int, BeforeValidator(_digits), Query(ge=1, le=100)]


class UserCreate(BaseModel):
    username: Username
    email: Annotated[EmailStr, AfterValidator(_lower_email)]
    password: Password


class UserOut(BaseModel):
    id: int
    username: str


class Profile(UserOut):
    post_count: int


class TokenRequest(BaseModel):
    email: Annotated[str, StringConstraints(min_length=1, max_length=254), NoNul]
    password: Annotated[str, StringConstraints(min_length=1, max_length=128), NoNul]


class Token(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 (a scheme name, not a secret)
    expires_in: int


class PostCreate(BaseModel):
    title: Title
    body: Body


class PostUpdate(BaseModel):
    # Absent means unchanged; an explicit null is still validated, and rejected.
    title: Title = None  # type: ignore[assignment]
    body: Body = None  # type: ignore[assignment]


class PostOut(BaseModel):
    id: int
    title: str
    body: str
    author: str
    created_at: str

    @classmethod
    def of(cls, post: Post) -> "PostOut":
        created = post.created_at
        # SQLite hands back naive datetimes; everything stored is UTC.
        created = created.replace(tzinfo=UTC) if created.tzinfo is None else created
        return cls(
            id=post.id,
            title=post.title,
            body=post.body,
            author=post.author.username,
            created_at=created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )


class Page(BaseModel):
    posts: list[PostOut]
    total: int
    page: int
    per_page: int
