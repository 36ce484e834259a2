"""Shared schema helpers: validate input with Pydantic, fail as a domain error."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import TypeVar

from pydantic import BaseModel
from pydantic import ValidationError

from taskmanager.errors import ValidationFailed

Schema = TypeVar("Schema", bound=BaseModel)


def parse(schema: type[Schema], data: Mapping[str, Any]) -> Schema:
    """``schema`` built from ``data``; every problem becomes ValidationFailed per field."""
    try:
        return schema.model_validate(dict(data))
    except ValidationError as error:
        details: dict[str, str] = {}
        for problem in error.errors():
            field = ".".join(str(part) for part in problem["loc"]) or "body"
            details.setdefault(field, problem["msg"].removeprefix("Value error, "))
        raise ValidationFailed(details=details) from None
