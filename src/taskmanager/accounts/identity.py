"""Who is asking, as far as a read needs to know: an id and a time zone.

The API's token check proves who the caller is in one row of two columns; loading the
whole account as an ORM object cost a task read a fifth of its CPU (issue 17). Reads
take ``Someone``, which a ``User`` and a ``Caller`` both are; writes, which record an
actor, still take a ``User``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class Someone(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def time_zone(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Caller:
    """A signed-in API caller whose account was checked but not loaded."""

    id: int
    time_zone: str
