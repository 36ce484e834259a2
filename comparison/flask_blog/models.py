"""Users and posts as typed SQLAlchemy 2 models."""

from __future__ import annotations

import os
from datetime import UTC
from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from comparison.flask_blog.extensions import db

# BLOG_CHEAP_PASSWORD_HASHING=1 (the black-box tests only): still scrypt, at a cost of
# milliseconds. Every test registers its users, and the default cost (~0.1 s a hash on
# an idle core) across three servers made most of the comparison suite's time.
PASSWORD_METHOD = (
    "scrypt:1024:8:1" if os.environ.get("BLOG_CHEAP_PASSWORD_HASHING") == "1" else "scrypt"
)


def utcnow() -> datetime:
    return datetime.now(UTC)


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class Post(db.Model):
    __tablename__ = "posts"
    # Both listings read an index in order: newest first, globally and per author.
    __table_args__ = (
        Index("ix_posts_created_at_id", "created_at", "id"),
        Index("ix_posts_author_id_created_at_id", "author_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Every post is shown with its author's name: load both in one query.
    author: Mapped[User] = relationship(lazy="joined", innerjoin=True)
