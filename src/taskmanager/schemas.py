"""Shared schema helpers: the base classes, the page envelope, validating input.

Each feature keeps its own schemas next to its models (``tasks/schemas.py``,
``orgs/schemas.py`` ...): the pages parse their forms into them, the API its bodies,
and the services take them. Out-schemas read ORM objects (``from_attributes``) but
name every field they show, so a new column never leaks by accident; in-schemas
refuse unknown fields, so ``organization_id`` or ``version`` in a body is a 400.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from typing import Generic
from typing import TypeVar

from pydantic import BaseModel
from pydantic import BeforeValidator
from pydantic import ConfigDict
from pydantic import Field
from pydantic import ValidationError

from taskmanager.errors import ValidationFailed
from taskmanager.errors import pydantic_details

Schema = TypeVar("Schema", bound=BaseModel)
Item = TypeVar("Item", bound=BaseModel)

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _json_integer(value: Any) -> Any:
    # Lax Pydantic also reads "5" and true as integers; JSON's 5 and 5.0 are the only ones.
    if isinstance(value, str | bool):
        raise ValueError("Input should be a valid integer")
    return value


def _iso_8601(value: Any) -> Any:
    # Lax Pydantic also reads 1700000000 or "0.5" as Unix times.
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, str) and ISO_DATE.match(value):
        return value
    raise ValueError("Use an ISO 8601 date and time, like 2025-03-01T09:00:00Z.")


JsonInteger = BeforeValidator(_json_integer)
"""Attach to an int field, after its ``Field`` constraints (or the document loses them):
an integer as JSON has it, a number without a fraction, never a string or a boolean."""

Iso8601 = BeforeValidator(_iso_8601)
"""Attach to a datetime field: only ISO 8601 text (or a datetime) is a date and time."""


def parse(schema: type[Schema], data: Mapping[str, Any]) -> Schema:
    """``schema`` built from ``data``; every problem becomes ValidationFailed per field.

    A schema may name, in a ``field_messages`` class variable, what to tell a person
    about a field whatever went wrong with it.
    """
    try:
        return schema.model_validate(dict(data))
    except ValidationError as error:
        messages = getattr(schema, "field_messages", None)
        raise ValidationFailed(details=pydantic_details(error, messages)) from None


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PageQuery(In):
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=20, ge=1, le=100)


class Page(BaseModel, Generic[Item]):
    """One page of a list: the envelope every list answers in.

    ``Page[ProjectOut]`` is documented as ``ProjectPage``: one name per list, and the
    item schema defined once in the document.
    """

    items: list[Item]
    total: int = Field(description="Every item that matches, whichever page this is.")
    page: int
    per_page: int
    pages: int = Field(description="How many pages of per_page the total makes.")

    @classmethod
    def model_parametrized_name(cls, params: tuple[Any, ...]) -> str:
        return f"{getattr(params[0], '__name__', 'Item').removesuffix('Out')}Page"
