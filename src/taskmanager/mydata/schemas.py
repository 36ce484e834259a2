"""The wire format of data exports and account deletion."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from typing import Literal

from pydantic import ConfigDict
from pydantic import Field

from taskmanager.schemas import In
from taskmanager.schemas import Out


class ExportOut(Out):
    id: int
    state: Literal["queued", "done", "failed"]
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime | None = Field(description="After this the archive cannot be downloaded.")


class AccountDelete(In):
    password: str = Field(min_length=1, max_length=200, description="Your current password.")


class Archive(Out):
    """The archive: format, exported_at, profile, organizations, tasks, comments,
    attachments, activity."""

    model_config = ConfigDict(extra="allow")

    format: str
    exported_at: datetime
    profile: dict[str, Any]
    organizations: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    comments: list[dict[str, Any]]
    attachments: list[dict[str, Any]]
    activity: list[dict[str, Any]]
