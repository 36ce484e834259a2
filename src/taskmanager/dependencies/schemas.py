"""What a dependency link is given and how it is shown: pages and API alike."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from typing import Any
from typing import ClassVar

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import field_validator
from pydantic import model_validator

from taskmanager.db import MAX_ID
from taskmanager.projects.schemas import ProjectRef
from taskmanager.schemas import JsonInteger
from taskmanager.schemas import Out
from taskmanager.schemas import input_rules
from taskmanager.schemas import not_null
from taskmanager.schemas import refuses_null
from taskmanager.tasks.models import Status

MAX_LINKS = 50  # tasks one task may be blocked by, and may block
Id = Annotated[int, Field(ge=1, le=MAX_ID), JsonInteger]


def _exactly_one_documented(schema: dict[str, Any]) -> None:
    # "Exactly one": no other property is allowed, and neither may be null, so one
    # property, as min and maxProperties (client generators drop a oneOf of requireds).
    input_rules(schema)
    schema["example"] = {"blocked_by": 42}
    schema["minProperties"] = schema["maxProperties"] = 1


class DependencyCreate(BaseModel):
    """Exactly one of the two: this task is blocked by another, or blocks another."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_exactly_one_documented)
    field_messages: ClassVar[dict[str, str]] = {"blocked_by": "Pick the task this one waits for."}

    # Left out, not null: a field sent counts as sent (maxProperties), so null is refused.
    blocked_by: Id | None = Field(
        default=None,
        json_schema_extra=refuses_null,
        description="The id of the task this one waits for.",
    )
    blocks: Id | None = Field(
        default=None,
        json_schema_extra=refuses_null,
        description="The id of a task that waits for this one.",
    )

    _not_null = field_validator("blocked_by", "blocks", mode="before")(not_null)

    @model_validator(mode="after")
    def _exactly_one(self) -> DependencyCreate:
        if (self.blocked_by is None) == (self.blocks is None):
            raise ValueError("Send exactly one of blocked_by and blocks.")
        return self


class LinkedTask(Out):
    id: int
    title: str
    status: Status
    project: ProjectRef


class DependencyOut(Out):
    id: int
    blocker: LinkedTask = Field(description="The task that has to be done first.")
    blocked: LinkedTask = Field(description="The task that waits for it.")
    created_at: datetime


class DependenciesOut(BaseModel):
    """Both directions of a task's links; ``blocked`` while any blocker is not done."""

    blocked: bool
    blocked_by: list[DependencyOut]
    blocks: list[DependencyOut]
