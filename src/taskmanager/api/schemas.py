"""The API's own wire format: its error shape, sign-in and tokens, the If-Match header.

Every entity's schemas live next to it (``tasks/schemas.py``, ``orgs/schemas.py``
...); these are the ones that exist only because there is an HTTP API.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from typing import Any

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import WithJsonSchema

from taskmanager.schemas import In
from taskmanager.schemas import Out


class Error(BaseModel):
    error: str = Field(examples=["not_found"])
    message: str
    details: dict[str, Any] | None = None
    request_id: str | None = None


class Credentials(In):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)
    otp: str | None = Field(default=None, max_length=20)


class RefreshIn(In):
    refresh_token: str = Field(max_length=4000)


class TokenPairOut(Out):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret
    expires_in: int


class Accepted(BaseModel):
    message: str


class PersonalTokenIn(In):
    name: str = Field(min_length=1, max_length=100)


class PersonalTokenOut(Out):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class PersonalTokenCreated(PersonalTokenOut):
    token: str = Field(description="The secret. Shown only in this response.")


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


class IfMatch(BaseModel):
    """The ``If-Match`` request header (the other headers are not this schema's business)."""

    # APIFlask hands headers over as if_match; the alias is the name the document shows.
    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True)

    # A header is a string or absent, never null: say so in the document, with no
    # ``default: null`` either (a string's default must be a string).
    if_match: Annotated[str | None, WithJsonSchema({"type": "string", "maxLength": 200})] = Field(
        default=None,
        json_schema_extra=_no_default,
        alias="If-Match",
        max_length=200,
        examples=['"3"'],
        description='The ETag you read, like "3": if the object changed since, the answer '
        "is 412 and nothing changes. Without If-Match the change applies to the current "
        "version (last write wins).",
    )
