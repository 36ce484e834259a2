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


class RegisterIn(In):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)
    name: str = Field(default="", max_length=120)


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
    time_zone: str | None = Field(default=None, max_length=64)
    notify_assigned: bool | None = Field(default=None, strict=True)
    notify_mentions: bool | None = Field(default=None, strict=True)
    notify_watching: bool | None = Field(default=None, strict=True)
    weekly_summary: bool | None = Field(default=None, strict=True)
    reminder_hours: Annotated[int, JsonInteger] | None = Field(
        default=None, description="Hours before a due date to remind; 0 = never. 0 to 168."
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None and value not in time_zones():
            raise ValueError("Choose a time zone from the list, such as Europe/Paris.")
        return value

    @field_validator("reminder_hours")
    @classmethod
    def _within_a_week(cls, value: int | None) -> int | None:
        if value is not None and not 0 <= value <= 168:
            raise ValueError("Use a number of hours from 0 to 168 (one week).")
        return value
