"""The wire format of people and their profile (API bodies and answers)."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from pydantic import model_validator

from taskmanager.accounts.models import User
from taskmanager.schemas import In
from taskmanager.schemas import Out


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


class MeUpdate(In):
    name: str | None = Field(default=None, max_length=120)
    time_zone: str | None = Field(default=None, max_length=64)
