"""What a task may be given: one definition for the pages and the API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime
from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import field_validator

from taskmanager.db import MAX_ID
from taskmanager.schemas import Iso8601
from taskmanager.schemas import JsonInteger
from taskmanager.tasks.models import Priority
from taskmanager.tasks.models import Status

Id = Annotated[int, Field(ge=1, le=MAX_ID), JsonInteger]


class TaskFields(BaseModel):
    # Unknown fields are refused: organization_id, created_by or version cannot sneak in.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=20_000)
    status: Status | None = None
    priority: Priority | None = None
    due_at: Annotated[AwareDatetime | None, Iso8601] = None
    assignee_id: Id | None = None
    label_ids: list[Id] | None = Field(default=None, max_length=20)
    position: Annotated[int, Field(ge=0, le=1_000_000), JsonInteger] | None = None

    @field_validator("due_at")
    @classmethod
    def _reasonable_date(cls, value: datetime | None) -> datetime | None:
        if value is not None and not 2000 <= value.year <= 2100:
            raise ValueError("Pick a due date between the years 2000 and 2100.")
        return value


class TaskCreate(TaskFields):
    title: str = Field(min_length=1, max_length=200)


class TaskUpdate(TaskFields):
    """Any subset of fields; those sent as null are cleared where that makes sense."""


class CommentFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    body: str = Field(min_length=1, max_length=10_000)
