"""The wire format of people and their profile (API bodies and answers)."""

from __future__ import annotations

from functools import cache
from typing import Annotated
from typing import Any
from zoneinfo import available_timezones

from pydantic import Field
from pydantic import field_validator
from pydantic import model_validator

from taskmanager.accounts.models import User
from taskmanager.schemas import In
from taskmanager.schemas import JsonInteger
from taskmanager.schemas import Out


@cache
def time_zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


# The shape of an IANA zone name. Not an enum: client generators turn each zone into a
# name, and GMT+0, GMT-0 and GMT0 collide. One this server does not know is 422.
ZONE_SHAPE = r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$"


class RegisterIn(In):
    # format email: the form checks the address as email_validator reads it; the
    # password's strength (zxcvbn) is not in the document, so a weak one is 422.
    email: str = Field(max_length=254, json_schema_extra={"format": "email"})
    password: str = Field(
        min_length=8, max_length=1000, description="At least 8 characters, not easily guessed."
    )
    name: str = Field(default="", max_length=120)


class UserRef(Out):
    id: int
    name: str

    @model_validator(mode="before")
    @classmethod
    def _display_name(cls, value: Any) -> Any:
        # A user without a name is shown by the start of their email, as on the pages.
        if isinstance(value, User):
            return {"id": value.id, "name": value.display_name}
        return value


class MeOut(Out):
    id: int
    email: str
    name: str
    time_zone: str
    two_factor: bool
    notify_assigned: bool = Field(description="Email when a task is assigned to me.")
    notify_mentions: bool = Field(description="Email when someone @mentions me.")
    notify_watching: bool = Field(
        description="Email about comments on tasks I follow, and when they are done."
    )
    reminder_hours: int = Field(description="Hours before a due date to remind; 0 = never.")
    weekly_summary: bool = Field(description="A summary email on Monday mornings.")


class MeUpdate(In):
    """A change to one's profile: the settings page's form and the API's body alike.

    Only the fields sent change (``exclude_unset``); a ``null`` changes nothing.
    """

    name: str | None = Field(default=None, max_length=120)
    time_zone: Annotated[str, Field(json_schema_extra={"pattern": ZONE_SHAPE})] | None = Field(
        default=None,
        max_length=64,
        description="An IANA time zone, like Europe/Paris; one this server does not know is 422.",
    )
    notify_assigned: bool | None = Field(default=None, strict=True)
    notify_mentions: bool | None = Field(default=None, strict=True)
    notify_watching: bool | None = Field(default=None, strict=True)
    weekly_summary: bool | None = Field(default=None, strict=True)
    # The bounds in the document; the validator below says them in words.
    reminder_hours: (
        Annotated[int, Field(json_schema_extra={"minimum": 0, "maximum": 168}), JsonInteger] | None
    ) = Field(default=None, description="Hours before a due date to remind; 0 = never. 0 to 168.")

    @field_validator("reminder_hours")
    @classmethod
    def _within_a_week(cls, value: int | None) -> int | None:
        if value is not None and not 0 <= value <= 168:
            raise ValueError("Use a number of hours from 0 to 168 (one week).")
        return value
