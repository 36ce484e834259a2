"""What a task may be given: one definition for the pages and the API."""

from __future__ import annotations

import re
from datetime import UTC
from datetime import date
from datetime import datetime
from typing import Annotated
from typing import Any
from typing import ClassVar

from pydantic import AwareDatetime
from pydantic import BaseModel
from pydantic import BeforeValidator
from pydantic import Field
from pydantic import field_validator

from taskmanager.accounts.schemas import UserRef
from taskmanager.db import MAX_ID
from taskmanager.projects.schemas import LabelOut
from taskmanager.projects.schemas import ProjectRef
from taskmanager.recurrence.schemas import RecurrenceOut
from taskmanager.schemas import DUE_YEARS
from taskmanager.schemas import STRIPPED
from taskmanager.schemas import In
from taskmanager.schemas import Iso8601
from taskmanager.schemas import JsonInteger
from taskmanager.schemas import Out
from taskmanager.schemas import Page
from taskmanager.schemas import PageQuery
from taskmanager.schemas import not_null
from taskmanager.schemas import refuses_null
from taskmanager.tasks.models import Priority
from taskmanager.tasks.models import Status

Id = Annotated[int, Field(ge=1, le=MAX_ID), JsonInteger]
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# 1 to MAX_ID (2147483647) in digits, exactly: the document says which ids can exist.
ID_DIGITS = (
    "[1-9][0-9]{0,8}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}|2147[0-3][0-9]{5}"
    "|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}|21474836[0-3][0-9]"
    "|214748364[0-7]"
)


class TaskFields(In):
    # Unknown fields are refused: organization_id, created_by or version cannot sneak in.
    model_config = STRIPPED
    field_messages: ClassVar[dict[str, str]] = {"title": "Give the task a title."}

    # A task cannot lose its title: null is refused, so the document does not offer it.
    title: str | None = Field(
        default=None, min_length=1, max_length=200, json_schema_extra=refuses_null
    )

    _title_not_null = field_validator("title", mode="before")(not_null)
    description: str | None = Field(default=None, max_length=20_000)
    status: Status | None = None
    priority: Priority | None = None
    due_at: Annotated[
        Annotated[AwareDatetime, Field(json_schema_extra=DUE_YEARS)] | None, Iso8601
    ] = None
    assignee_id: Id | None = None
    label_ids: list[Id] | None = Field(default=None, max_length=20)
    position: Annotated[int, Field(ge=0, le=1_000_000), JsonInteger] | None = Field(
        default=None,
        description="Where to put the card in its status column, as an index: 0 first "
        "(past the end: last). Not the `position` a task answers with (its sort key).",
    )

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

    above: Id | None = Field(
        default=None,
        description="Instead of `position`: put the card just above this task of its "
        "status column, counted among all the column's cards, shown or not (a filtered "
        "list's drop). A task no longer in that column: last.",
    )
    below: Id | None = Field(
        default=None,
        description="Instead of `position`: put the card just below this task of its "
        "status column (a drop under the last card a client shows). A task no longer "
        "in that column: last.",
    )


def _day_or_moment(value: Any) -> Any:
    # A bare date ("2026-05-31") stays a date: the list reads it as a whole day in
    # the user's time zone. Anything else must be an ISO 8601 date and time.
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        return date.fromisoformat(value)
    return value


DayOrMoment = Annotated[datetime | date | None, BeforeValidator(_day_or_moment), Iso8601]


class TaskFilterFields(In):
    """What a task list may be filtered and sorted by: the list page's query string
    and the API's, read by ``listing.filters_from``."""

    model_config = STRIPPED

    assignee: str | None = Field(
        default=None, pattern=rf"^(me|none|{ID_DIGITS})$", description="me, none or a user id"
    )
    status: Status | None = None
    label: int | None = Field(default=None, ge=1, le=MAX_ID)
    due_before: DayOrMoment = Field(
        default=None,
        description="Due before this time; a date alone (2026-05-31) includes that day "
        "in your time zone.",
    )
    due_after: DayOrMoment = Field(
        default=None,
        description="Due at or after this time; a date alone starts at its midnight in "
        "your time zone.",
    )
    q: str | None = Field(default=None, max_length=200)
    blocked: bool | None = Field(
        default=None,
        description="true: only blocked tasks (one they wait for is not done); false: "
        "only the others.",
    )
    sort: str = Field(default="position", pattern=r"^(position|due_at|-created_at|priority|title)$")

    @field_validator("assignee")
    @classmethod
    def _assignee_id(cls, value: str | None) -> str | None:
        if value is not None and value.isdigit() and int(value) > MAX_ID:
            raise ValueError("No user has that id.")
        return value

    @field_validator("due_before", "due_after")
    @classmethod
    def _in_utc(cls, value: date | datetime | None) -> date | datetime | None:
        # Compared with UTC columns; a naive time is read as UTC.
        if not isinstance(value, datetime):
            # A date is widened by a day and read in the user's zone (listing.py):
            # the first and last days of the calendar would overflow there (a 500).
            if value is not None and not date(1, 1, 2) <= value <= date(9999, 12, 30):
                raise ValueError("Pick a date between the years 1 and 9999.")
            return value
        try:
            return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        except OverflowError:
            raise ValueError("Pick a date between the years 1 and 9999 in UTC.") from None


class CommentFields(In):
    model_config = STRIPPED
    field_messages: ClassVar[dict[str, str]] = {"body": "Write something to comment."}

    body: str = Field(min_length=1, max_length=10_000)


class ChecklistProgress(BaseModel):
    """A task's checklist progress, as cards show it ("3/5")."""

    done: int = Field(description="How many checklist items are ticked.")
    total: int = Field(description="How many checklist items there are.")


class TaskOut(Out):
    id: int
    organization_id: int
    project: ProjectRef
    title: str
    description: str
    status: Status
    priority: Priority
    position: int = Field(
        description="The card's sort key in its status column: the board sorts by it, then "
        "by id. Keys are spaced apart and may be negative; to move a card, send an index."
    )
    due_at: datetime | None
    assignee: UserRef | None
    labels: list[LabelOut]
    comment_count: int
    attachment_count: int
    watching: bool = Field(description="Whether I follow it (PUT or DELETE /tasks/{id}/watch).")
    watcher_count: int = Field(description="How many members follow it.")
    checklist: ChecklistProgress = Field(
        description="Its checklist's progress (the items: GET /tasks/{id}/checklist)."
    )
    blocked: bool = Field(
        description="Whether a task not yet done blocks it (GET /tasks/{id}/dependencies)."
    )
    created_by_id: int | None
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
    recurrence: RecurrenceOut | None = Field(
        description="How the task repeats (PUT or DELETE /tasks/{id}/recurrence); null when "
        "it does not, or once its next occurrence is made."
    )


class CommentOut(Out):
    id: int
    task_id: int
    author: UserRef | None
    body: str
    edited: bool
    created_at: datetime
    updated_at: datetime
    version: int


class TaskPage(Page[TaskOut]):
    """A page of tasks: pages by number, or by cursor (keyset)."""

    page: int | None = Field(  # type: ignore[assignment]  # null on a cursor page
        description="The page number; null for a page asked for by cursor (it has none)."
    )
    next_cursor: str | None = Field(
        description="Pass as `cursor` (same filters and sort) for the next page; null on "
        "the last page."
    )
    total_exact: bool = Field(
        default=True,
        description="False when more than 10,000 tasks match: `total` is then 10,000 (at "
        "least that many) and `pages` counts those; follow `next_cursor` past them.",
    )


class ProjectTaskQuery(PageQuery, TaskFilterFields):
    """A task list's query string in the API: filters, sort, and page or cursor."""

    cursor: str | None = Field(
        default=None,
        max_length=1000,
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="Start after the last task of an earlier page: its `next_cursor`, "
        "sent with the same filters and sort (then leave `page` out). Keyset paging: a "
        "deep page costs what the first one does, and new tasks do not shift it.",
    )


class TaskQuery(ProjectTaskQuery):
    org_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    project_id: int | None = Field(default=None, ge=1, le=MAX_ID)
