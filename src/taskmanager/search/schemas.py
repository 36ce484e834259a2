"""The search API's query string and answer."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from taskmanager.schemas import Out
from taskmanager.schemas import Page
from taskmanager.schemas import PageQuery
from taskmanager.tasks.models import Status


class SearchQuery(PageQuery):
    q: str = Field(
        min_length=1,
        max_length=200,
        description="Words to find; each matches the start of a word (homepag finds "
        "homepage) and every one must match. Punctuation is ignored.",
    )
    per_page: int = Field(default=20, ge=1, le=50)


class SearchOrganization(Out):
    id: int
    name: str
    slug: str


class SearchProject(Out):
    id: int
    organization_id: int
    name: str
    archived: bool


class SearchHitOut(Out):
    task_id: int
    title: str
    status: Status
    organization: SearchOrganization
    project: SearchProject
    found_in: Literal["title", "description", "comment", "task"] = Field(
        description="Where the words matched; `task` when they span title and description."
    )
    snippet: str | None = Field(
        description="Plain text around the first match in the description or comment "
        "(null when there is none to show)."
    )


class SearchPage(Page[SearchHitOut]):
    """Tasks that match, grouped: by organization, then project (active first)."""

    terms: list[str] = Field(description="The words searched for, as matched (lowercase).")
    projects: list[SearchProject] = Field(
        description="Projects whose names hold every word (first page only, at most 10)."
    )
