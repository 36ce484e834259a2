"""Shared schema helpers: the base classes, the page envelope, validating input.

Each feature keeps its own schemas next to its models (``tasks/schemas.py``,
``orgs/schemas.py`` ...): the pages parse their forms into them, the API its bodies,
and the services take them. Out-schemas read ORM objects (``from_attributes``) but
name every field they show, so a new column never leaks by accident; in-schemas
refuse unknown fields, so ``organization_id`` or ``version`` in a body is a 400.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from typing import Generic
from typing import TypeVar

from annotated_types import MaxLen
from pydantic import BaseModel
from pydantic import BeforeValidator
from pydantic import ConfigDict
from pydantic import Field
from pydantic import ValidationError
from pydantic import ValidationInfo
from pydantic import field_validator
from pydantic.config import JsonDict

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


DUE_YEARS: JsonDict = {"pattern": r"^(20[0-9]{2}|2100)-"}
"""``json_schema_extra`` of a due date or time: the years 2000 to 2100, as written."""


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


# What pydantic-core's ``str_strip_whitespace`` strips (Unicode White_Space, Rust's
# trim; not Python's isspace, which also strips U+001C to U+001F).
WHITE_SPACE = r"\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NUL = r"\u0000"


def text_pattern(min_length: int = 0) -> str:
    """A pattern true exactly of the text the API takes into a field of ``min_length``:
    no NUL anywhere (api.http.refuse_nul: PostgreSQL cannot store it), and, from its
    first to its last non-space character, ``min_length`` characters once stripped."""
    solid, any_char = f"[^{WHITE_SPACE}{NUL}]", f"[^{NUL}]"
    if min_length < 1:
        return f"^{any_char}*$"
    middle = solid if min_length == 1 else f"{solid}{any_char}{{{min_length - 2},}}{solid}"
    return f"^{any_char}*{middle}{any_char}*$"


def _strings(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("type") == "string":
            yield node
        for branch in node.get("anyOf", []):
            yield from _strings(branch)
        yield from _strings(node.get("items"))


def input_rules(schema: dict[str, Any]) -> None:
    """``json_schema_extra`` of the input models: the document says what the server
    does to text before it counts it. "   " is an empty title, since text is stripped;
    a NUL is refused anywhere.

    A field with its own pattern, format or choices already says what it takes.
    """
    for field_schema in schema.get("properties", {}).values():
        for node in _strings(field_schema):
            if not {"pattern", "format", "enum"} & set(node):
                node["pattern"] = text_pattern(node.get("minLength", 0))


def not_null(value: Any) -> Any:
    """A before-validator of a field that may be left out but not sent as null (a
    task's title); ``refuses_null`` says so in the document."""
    if value is None:
        raise ValueError("Leave this field out, or send a value: it cannot be null.")
    return value


def refuses_null(schema: dict[str, Any]) -> None:
    """``json_schema_extra`` of a field that may be left out but not sent as null (a
    task's title): the document offers no null, and no null default."""
    branches = [branch for branch in schema.pop("anyOf", []) if branch.get("type") != "null"]
    if len(branches) == 1:
        schema.update(branches[0])
    elif branches:
        schema["anyOf"] = branches
    if schema.get("default", ...) is None:
        del schema["default"]


STRIPPED = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra=input_rules)
"""Input models: unknown fields refused, text stripped, and the document saying so."""


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class In(BaseModel):
    model_config = STRIPPED

    @field_validator("*", mode="before")
    @classmethod
    def _length_as_sent(cls, value: Any, info: ValidationInfo) -> Any:
        # maxLength counts the text as sent, as the document does, not once stripped.
        field = cls.model_fields.get(info.field_name or "")
        rules = field.metadata if field is not None else []
        limits = [rule.max_length for rule in rules if isinstance(rule, MaxLen)]
        if isinstance(value, str) and limits and len(value) > limits[0]:
            raise ValueError(f"Use at most {limits[0]:,} characters; you typed more.")
        return value


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
