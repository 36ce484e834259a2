"""What a checklist item may be given, and how it is shown: pages and API alike."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Annotated
from typing import ClassVar

from pydantic import BaseModel
from pydantic import Field
from pydantic import StrictBool
from pydantic import field_validator

from taskmanager.accounts.schemas import UserRef
from taskmanager.db import MAX_ID
from taskmanager.schemas import DUE_YEARS
from taskmanager.schemas import STRIPPED
from taskmanager.schemas import In
from taskmanager.schemas import JsonInteger
from taskmanager.schemas import Out
from taskmanager.schemas import not_null
from taskmanager.schemas import refuses_null

MAX_ITEMS = 100  # items on one task's checklist
Id = Annotated[int, Field(ge=1, le=MAX_ID), JsonInteger]


class ChecklistItemFields(In):
    # Unknown fields are refused: task_id, organization_id or converted_task_id cannot
    # be set from outside.
    model_config = STRIPPED
    field_messages: ClassVar[dict[str, str]] = {"title": "Name the checklist item."}

    # An item cannot lose its title: null is refused, so the document does not offer it.
    title: str | None = Field(
        default=None, min_length=1, max_length=200, json_schema_extra=refuses_null
    )

    _title_not_null = field_validator("title", mode="before")(not_null)
    done: StrictBool | None = None
    assignee_id: Id | None = None
    due_on: Annotated[date, Field(json_schema_extra=DUE_YEARS)] | None = Field(
        default=None, description="A day, like 2026-05-31."
    )
    position: Annotated[int, Field(ge=0, le=MAX_ITEMS), JsonInteger] | None = Field(
        default=None, description="Where the item goes in the checklist, 0 first."
    )

    @field_validator("due_on")
    @classmethod
    def _reasonable_day(cls, value: date | None) -> date | None:
        if value is not None and not 2000 <= value.year <= 2100:
            raise ValueError("Pick a due date between the years 2000 and 2100.")
        return value


class ChecklistItemCreate(ChecklistItemFields):
    title: str = Field(min_length=1, max_length=200)


class ChecklistItemUpdate(ChecklistItemFields):
    """Any subset of fields; null clears the assignee or the due date."""


class ChecklistItemOut(Out):
    id: int
    task_id: int
    title: str
    done: bool
    position: int
    assignee: UserRef | None
    due_on: date | None
    converted_task_id: int | None = Field(
        description="The task this item was converted into, if it was."
    )
    created_at: datetime
    updated_at: datetime
    version: int = Field(description="Bumped by every change; the ETag (send it as If-Match).")


class ChecklistOut(BaseModel):
    """A task's whole checklist (at most 100 items), in order, with its progress."""

    items: list[ChecklistItemOut]
    done: int = Field(description="How many items are ticked.")
    total: int = Field(description="How many items there are.")
