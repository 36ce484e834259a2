"""The declarative base, naming convention and shared column mixins."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy import MetaData
from sqlalchemy import TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import Session
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import registry
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

# Stable constraint names let Alembic drop and alter constraints on every backend,
# SQLite's batch mode included.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Primary keys are PostgreSQL ``integer`` columns. A larger number in a URL, a query
# string or a body names no row; sent to PostgreSQL it would fail as out of range.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` for row ids: a number past ``MAX_ID`` names nothing, so 404."""

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            # Not the ValidationError of ``max=``: Werkzeug would answer 405 when a rule
            # for another method has the same path.
            raise NotFound()
        return number


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend.

    SQLite has no time zone type and hands naive values back; this type stores UTC
    and always returns an aware value, so comparisons never mix naive and aware.
    Naive values coming in are read as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            # Flask-Security hands us naive UTC; anything naive is taken as UTC.
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@contextmanager
def loaded_after_commit(session: Session) -> Iterator[None]:
    """Keep what a use case wrote loaded past its commit, to answer from it.

    A session expires every object at commit so that later reads see other
    transactions' changes. An answer made of exactly what this request just wrote
    needs no reload: for a new task that reload is three statements (its row, its
    labels, its comment count).
    """
    previous = session.expire_on_commit
    session.expire_on_commit = False
    try:
        yield
    finally:
        session.expire_on_commit = previous


class Base(DeclarativeBase):
    # One registry carries both, so Flask-SQLAlchemy's copy of this base keeps them.
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
