"""What a task may be given: one definition for the pages and the API."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime
from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import field_validator

from taskmanager.tasks.models import Priority
from taskmanager.tasks.models import Status


class TaskFields(BaseModel):
    # Unknown fields are refused: organization_id, created_by or version cannot sneak in.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=20_000)
    status: Status | None = None
    priority: Priority | None = None
    due_at: AwareDatetime | None = None
    assignee_id: int | None = Field(default=None, ge=1)
    label_ids: list[int] | None = Field(default=None, max_length=20)
    position: int | None = Field(default=None, ge=0, le=1_000_000)

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
