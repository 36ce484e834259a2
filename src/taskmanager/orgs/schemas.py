"""The wire format of organizations, members and invitations."""

from __future__ import annotations

import re
from datetime import datetime
from typing import ClassVar

from pydantic import Field
from pydantic import field_validator

from taskmanager.accounts.schemas import UserRef
from taskmanager.policy import Role
from taskmanager.schemas import NUL
from taskmanager.schemas import WHITE_SPACE
from taskmanager.schemas import In
from taskmanager.schemas import Out


class OrgOut(Out):
    id: int
    name: str
    slug: str
    plan: str
    role: Role
    created_at: datetime


class OrgCreate(In):
    """A new organization, or a new name for one (the page and the API alike)."""

    field_messages: ClassVar[dict[str, str]] = {"name": "Give the organization a name."}

    name: str = Field(min_length=1, max_length=120)


class OrgDelete(In):
    confirm: str = Field(max_length=60)


class MemberOut(Out):
    user: UserRef
    email: str
    role: Role
    joined_at: datetime


class MemberUpdate(In):
    role: Role


class InvitationOut(Out):
    id: int
    email: str
    role: Role
    created_at: datetime
    expires_at: datetime


# Something, an @, something with a dot: enough to catch a typo; the email proves the rest.
# Spelled out, not \s: Python's \s and JavaScript's (the document's) differ on U+0085.
_PART = rf"[^@{WHITE_SPACE}{NUL}]+"
ADDRESS = re.compile(rf"^{_PART}@{_PART}\.{_PART}$")


class InvitationIn(In):
    """Someone to invite: the page's form and the API's body are both read into this."""

    field_messages: ClassVar[dict[str, str]] = {
        "email": "Enter an email address like ana@example.com."
    }

    # The pattern is the document's statement of the check below, so a client (or a
    # fuzzer) knows which strings are addresses here.
    email: str = Field(max_length=320, json_schema_extra={"pattern": ADDRESS.pattern})
    role: Role = Role.MEMBER

    @field_validator("email")
    @classmethod
    def _an_address(cls, value: str) -> str:
        # Lowercased: the invitation is matched to the account of that address.
        if not ADDRESS.fullmatch(value):
            raise ValueError("Enter an email address like ana@example.com.")
        return value.lower()


class AcceptIn(In):
    token: str = Field(min_length=1, max_length=200)
