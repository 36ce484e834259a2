"""The wire format of projects and labels."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field
from pydantic import field_validator

from taskmanager.schemas import In
from taskmanager.schemas import Out
from taskmanager.schemas import PageQuery
from taskmanager.schemas import not_null
from taskmanager.schemas import refuses_null


class ProjectRef(Out):
    id: int
    name: str


class ProjectOut(Out):
    id: int
    organization_id: int
    name: str
    description: str
    archived: bool
    created_at: datetime
    version: int


class ProjectIn(In):
    """A new project: the page's form and the API's body are both read into this."""

    field_messages: ClassVar[dict[str, str]] = {"name": "Give the project a name."}

    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=5000)


class ProjectUpdate(In):
    field_messages: ClassVar[dict[str, str]] = ProjectIn.field_messages
    # A project cannot lose its name: null is refused, so the document does not offer it.
    name: str | None = Field(
        default=None, min_length=1, max_length=120, json_schema_extra=refuses_null
    )

    _name_not_null = field_validator("name", mode="before")(not_null)
    description: str | None = Field(default=None, max_length=5000)
    archived: bool | None = Field(default=None, strict=True)


class ProjectDelete(In):
    confirm: str = Field(
        max_length=120, description="The project's name, typed back: deleting takes its tasks."
    )


class ProjectQuery(PageQuery):
    include_archived: bool = False


class LabelOut(Out):
    id: int
    name: str
    color: str


class LabelIn(In):
    field_messages: ClassVar[dict[str, str]] = {"name": "Give the label a name."}
    name: str = Field(min_length=1, max_length=40)
    color: str = Field(default="#6c757d", pattern=r"^#[0-9a-fA-F]{6}$")


class LabelUpdate(In):
    field_messages: ClassVar[dict[str, str]] = LabelIn.field_messages
    name: str | None = Field(default=None, min_length=1, max_length=40)
    color: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")
