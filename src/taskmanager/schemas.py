"""Shared schema helpers: validate input with Pydantic, fail as a domain error."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from typing import TypeVar

from pydantic import BaseModel
from pydantic import BeforeValidator
from pydantic import ValidationError

from taskmanager.errors import ValidationFailed
from taskmanager.errors import pydantic_details

Schema = TypeVar("Schema", bound=BaseModel)

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
    """``schema`` built from ``data``; every problem becomes ValidationFailed per field."""
    try:
        return schema.model_validate(dict(data))
    except ValidationError as error:
        raise ValidationFailed(details=pydantic_details(error)) from None
