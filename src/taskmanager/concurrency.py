"""Optimistic concurrency: the one version check every versioned write goes through.

Tasks, projects and comments carry a ``version`` that each change bumps. A writer may
name the version it read (the API's ``If-Match``, a page's hidden ``version`` field);
if someone else changed the row since, the write is refused instead of silently
overwriting their change.
"""

from __future__ import annotations

from typing import Any
from typing import Protocol

from sqlalchemy import select

from taskmanager.errors import StaleVersion
from taskmanager.extensions import db

__all__ = ["StaleVersion", "Versioned", "check_version"]


class Versioned(Protocol):
    id: int
    version: int


def check_version(obj: Versioned, expected: int | None, *, noun: str) -> None:
    """Lock ``obj``'s row for the rest of the transaction and check ``expected`` against it.

    The lock makes check-then-write atomic: of two writers naming the same version,
    the second waits for the first to commit and then sees its bump. If another
    transaction changed the row since ``obj`` was loaded, ``obj`` is refreshed, so the
    write starts from the current row. With ``expected`` None nothing is checked: the
    write applies to whatever is current (last write wins).

    Raises:
        StaleVersion: ``expected`` is not the current version.
    """
    # The mapped class, not its table: an ORM query keeps the tenant safety net.
    model: Any = type(obj)
    current = db.session.scalar(select(model.version).where(model.id == obj.id).with_for_update())
    if current != obj.version:
        db.session.refresh(obj)
    if expected is not None and expected != current:
        raise StaleVersion(
            f"Someone else changed this {noun} since you opened it. "
            "Reload to see their change, then try again.",
            details={"current_version": current},
        )
