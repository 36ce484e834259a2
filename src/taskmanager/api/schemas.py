"""The API's wire format: explicit allow-lists per entity, in and out.

Out-schemas read ORM objects (``from_attributes``) but name every field they show,
so a new column (a hash, a Stripe id) never leaks by accident. In-schemas refuse
unknown fields: ``organization_id``, ``role``, ``created_by`` or ``version`` in a body
is a 400, not a silent write. Task and comment bodies are the services' own schemas
(``tasks.schemas``).
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from typing import Annotated
from typing import Any

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import WithJsonSchema
from pydantic import field_validator
from pydantic import model_validator

from taskmanager.accounts.models import User
from taskmanager.db import MAX_ID
from taskmanager.policy import Role
from taskmanager.schemas import Iso8601
from taskmanager.tasks.models import Priority
from taskmanager.tasks.models import Status


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- errors (documentation of errors.py's one shape) ---------------------------------


class Error(BaseModel):
    error: str = Field(examples=["not_found"])
    message: str
    details: dict[str, Any] | None = None
    request_id: str | None = None


# --- accounts and auth ----------------------------------------------------------------


class Credentials(In):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)
    otp: str | None = Field(default=None, max_length=20)


class RefreshIn(In):
    refresh_token: str = Field(max_length=4000)


class RegisterIn(In):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)
    name: str = Field(default="", max_length=120)


class TokenPairOut(Out):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret
    expires_in: int


class Accepted(BaseModel):
    message: str


class PersonalTokenIn(In):
    name: str = Field(min_length=1, max_length=100)


class PersonalTokenOut(Out):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class PersonalTokenCreated(PersonalTokenOut):
    token: str = Field(description="The secret. Shown only in this response.")


class MeOut(Out):
    id: int
    email: str
    name: str
    time_zone: str
    two_factor: bool


class MeUpdate(In):
    name: str | None = Field(default=None, max_length=120)
    time_zone: str | None = Field(default=None, max_length=64)


# --- organizations -------------------------------------------------------------------


class UserRef(Out):
    id: int
    name: str

    @model_validator(mode="before")
    @classmethod
    def _display_name(cls, value: Any) -> Any:
        # A user without a name is shown by the start of their email, as on the pages.
        if isinstance(value, User):
            return {"id": value.id, "name": value.display_name}
        return value


class OrgOut(Out):
    id: int
    name: str
    slug: str
    plan: str
    role: Role
    created_at: datetime


class OrgCreate(In):
    name: str = Field(min_length=1, max_length=120)


class OrgDelete(In):
    confirm: str = Field(max_length=60)


class MemberOut(Out):
    user: UserRef
    email: str
    role: Role
    joined_at: datetime


class MemberUpdate(In):
    role: Role


class InvitationOut(Out):
    id: int
    email: str
    role: Role
    created_at: datetime
    expires_at: datetime


class InvitationIn(In):
    email: str = Field(max_length=320)
    role: Role = Role.MEMBER


class AcceptIn(In):
    token: str = Field(min_length=1, max_length=200)


class LabelOut(Out):
    id: int
    name: str
    color: str


class LabelIn(In):
    name: str = Field(min_length=1, max_length=40)
    color: str = Field(default="#6c757d", pattern=r"^#[0-9a-fA-F]{6}$")


class LabelUpdate(In):
    name: str | None = Field(default=None, min_length=1, max_length=40)
    color: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")


# --- projects and tasks --------------------------------------------------------------


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
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=5000)


class ProjectUpdate(In):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=5000)
    archived: bool | None = Field(default=None, strict=True)


class TaskOut(Out):
    id: int
    organization_id: int
    project: ProjectRef
    title: str
    description: str
    status: Status
    priority: Priority
    position: int
    due_at: datetime | None
    assignee: UserRef | None
    labels: list[LabelOut]
    comment_count: int
    attachment_count: int
    created_by_id: int | None
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


class CommentOut(Out):
    id: int
    task_id: int
    author: UserRef | None
    body: str
    edited: bool
    created_at: datetime
    updated_at: datetime
    version: int


class ActivityOut(Out):
    id: int
    actor: UserRef | None
    verb: str
    subject_type: str
    subject_id: int
    subject_title: str
    task_id: int | None
    changes: dict[str, Any]
    created_at: datetime


# --- query strings and pages ---------------------------------------------------------


class PageQuery(In):
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=20, ge=1, le=100)


class ProjectTaskQuery(PageQuery):
    assignee: str | None = Field(
        default=None, pattern=r"^(me|none|[1-9][0-9]{0,9})$", description="me, none or a user id"
    )
    status: Status | None = None
    label: int | None = Field(default=None, ge=1, le=MAX_ID)
    due_before: Annotated[datetime | None, Iso8601] = None
    due_after: Annotated[datetime | None, Iso8601] = None
    q: str | None = Field(default=None, max_length=200)
    sort: str = Field(default="position", pattern=r"^(position|due_at|-created_at|priority|title)$")
    cursor: str | None = Field(
        default=None,
        max_length=1000,
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="Start after the last task of an earlier page: its `next_cursor`, "
        "sent with the same filters and sort (then leave `page` out). Keyset paging: a "
        "deep page costs what the first one does, and new tasks do not shift it.",
    )

    @field_validator("assignee")
    @classmethod
    def _assignee_id(cls, value: str | None) -> str | None:
        if value is not None and value.isdigit() and int(value) > MAX_ID:
            raise ValueError("No user has that id.")
        return value

    @field_validator("due_before", "due_after")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        # Compared with UTC columns; a naive value is read as UTC.
        if value is None:
            return None
        try:
            return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        except OverflowError:
            raise ValueError("Pick a date between the years 1 and 9999 in UTC.") from None


class TaskQuery(ProjectTaskQuery):
    org_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    project_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class ProjectQuery(PageQuery):
    include_archived: bool = False


class PageMeta(BaseModel):
    total: int
    page: int
    per_page: int
    pages: int


class TaskPage(PageMeta):
    items: list[TaskOut]
    total: int = Field(description="Every task that matches, whichever page this is.")
    page: int | None = Field(  # type: ignore[assignment]  # null on a cursor page
        description="The page number; null for a page asked for by cursor (it has none)."
    )
    pages: int = Field(description="How many pages of per_page the total makes.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` (same filters and sort) for the next page; null on "
        "the last page."
    )


class IfMatch(BaseModel):
    """The ``If-Match`` request header (the other headers are not this schema's business)."""

    # APIFlask hands headers over as if_match; the alias is the name the document shows.
    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True)

    # A header is a string or absent, never null: say so in the document.
    if_match: Annotated[str | None, WithJsonSchema({"type": "string", "maxLength": 200})] = Field(
        default=None,
        alias="If-Match",
        max_length=200,
        examples=['"3"'],
        description='The ETag you read, like "3": if the object changed since, the answer '
        "is 412 and nothing changes. Without If-Match the change applies to the current "
        "version (last write wins).",
    )


class ProjectPage(PageMeta):
    items: list[ProjectOut]


class OrgPage(PageMeta):
    items: list[OrgOut]


class MemberPage(PageMeta):
    items: list[MemberOut]


class InvitationPage(PageMeta):
    items: list[InvitationOut]


class LabelPage(PageMeta):
    items: list[LabelOut]


class CommentPage(PageMeta):
    items: list[CommentOut]


class ActivityPage(PageMeta):
    items: list[ActivityOut]


class PersonalTokenPage(PageMeta):
    items: list[PersonalTokenOut]
