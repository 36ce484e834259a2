"""What a saved view may hold: one definition for the pages, the API and the stored JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from typing import ClassVar
from typing import Literal

from pydantic import BaseModel
from pydantic import Field
from pydantic import ValidationError
from pydantic import field_validator

from taskmanager.accounts.schemas import UserRef
from taskmanager.schemas import In
from taskmanager.schemas import Out
from taskmanager.schemas import not_null
from taskmanager.schemas import refuses_null
from taskmanager.tasks.schemas import TaskFilterFields

Layout = Literal["list", "board"]


class ViewFilters(TaskFilterFields):
    """A view's filters and sort: exactly what the list page's query string takes
    (status, assignee, label, due range, text as ``q``, blocked, sort).

    Extension point: a filter the list learns later is added to ``TaskFilterFields``
    and a view can store it at once; views stored before it simply do not name it.
    """


def read_filters(stored: Any) -> tuple[ViewFilters, dict[str, str]]:
    """A stored view's filters, leniently: what no longer validates is left out.

    Returns the filters and, per field left out, why. Nothing stored can make a page
    fail: at worst the view shows every task, with a note saying which part was dropped.
    """
    data = dict(stored) if isinstance(stored, dict) else {}
    problems: dict[str, str] = {}
    for _ in range(2):
        try:
            return ViewFilters.model_validate(data), problems
        except ValidationError as error:
            for problem in error.errors():
                name = str(problem["loc"][0]) if problem["loc"] else "filters"
                problems.setdefault(name, problem["msg"])
                data.pop(name, None)
    return ViewFilters(), problems or {"filters": "Unreadable."}


def query_args(filters: ViewFilters) -> dict[str, str]:
    """The filters as the list page's query string arguments (defaults left out)."""
    dumped = filters.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    # A flag as the query string and the form say it: true/false, not Python's True.
    return {
        name: str(value).lower() if isinstance(value, bool) else str(value)
        for name, value in dumped.items()
    }


class SavedViewIn(In):
    field_messages: ClassVar[dict[str, str]] = {"name": "Give the view a name."}

    name: str = Field(min_length=1, max_length=80)
    shared: bool = Field(
        default=False, description="Shown to everyone in the organization (members and up)."
    )
    layout: Layout = Field(default="list", description="Opens as the list or the board.")
    filters: ViewFilters = Field(default_factory=ViewFilters)


class SavedViewUpdate(In):
    """Any subset of a view's fields; ``filters`` replaces the stored filters whole."""

    field_messages: ClassVar[dict[str, str]] = {"name": "Give the view a name."}

    # A view cannot lose its name: null is refused, so the document does not offer it.
    name: str | None = Field(
        default=None, min_length=1, max_length=80, json_schema_extra=refuses_null
    )
    shared: bool | None = None
    layout: Layout | None = None
    filters: ViewFilters | None = None

    _name_not_null = field_validator("name", mode="before")(not_null)


class SavedViewOut(Out):
    id: int
    organization_id: int
    project_id: int
    owner: UserRef
    name: str
    shared: bool
    layout: Layout
    filters: ViewFilters
    created_at: datetime
    updated_at: datetime
    version: int


class SavedViewList(BaseModel):
    items: list[SavedViewOut]
