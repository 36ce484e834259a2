"""The wire format of webhook endpoints and their deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from typing import Literal

from pydantic import ConfigDict
from pydantic import Field
from pydantic import field_validator
from pydantic.config import JsonDict

from taskmanager.schemas import NUL
from taskmanager.schemas import WHITE_SPACE
from taskmanager.schemas import In
from taskmanager.schemas import Out
from taskmanager.schemas import PageQuery

# The document states the shape of a target; the rest (the host resolves, to a public
# address; http:// only where private targets are allowed) is checked on save, 422.
URL_SHAPE: JsonDict = {"pattern": rf"^[{WHITE_SPACE}]*https?://[^/?#\s{NUL}]+[^{NUL}]*$"}

EventType = Literal[
    "task.created", "task.updated", "task.deleted", "comment.created", "member.joined"
]


def _some_events(events: list[str] | None) -> list[str] | None:
    if events is not None and not events:
        raise ValueError("Choose at least one event.")
    return events


class WebhookIn(In):
    """A new endpoint: the page's form and the API's body are both read into this."""

    field_messages: ClassVar[dict[str, str]] = {
        "url": "Enter the HTTPS URL that should receive the events."
    }

    url: str = Field(min_length=1, max_length=2000, json_schema_extra=URL_SHAPE)
    description: str = Field(default="", max_length=200)
    # minItems documented; the validator says it in words ("Choose at least one event.").
    events: list[EventType] = Field(max_length=5, json_schema_extra={"minItems": 1})

    _some_events = field_validator("events")(_some_events)


class WebhookUpdate(In):
    """Any subset of the fields; ``active: true`` enables a disabled endpoint again."""

    field_messages: ClassVar[dict[str, str]] = WebhookIn.field_messages

    url: str | None = Field(
        default=None, min_length=1, max_length=2000, json_schema_extra=URL_SHAPE
    )
    description: str | None = Field(default=None, max_length=200)
    events: list[EventType] | None = Field(
        default=None, max_length=5, json_schema_extra={"minItems": 1}
    )
    active: bool | None = Field(default=None, strict=True)

    _some_events = field_validator("events")(_some_events)


class WebhookOut(Out):
    # Read from the model's previous_secret_expires_at, written as secret_rotating_until:
    # the document shows what is written.
    model_config = ConfigDict(from_attributes=True, json_schema_mode_override="serialization")

    id: int
    url: str
    description: str
    events: list[str]
    active: bool
    disabled_reason: str | None
    secret_rotating_until: datetime | None = Field(
        validation_alias="previous_secret_expires_at",
        description="Until then the previous secret signs too (a second signature).",
    )
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The signing secret (whsec_...). Shown only this once.")


class AttemptOut(Out):
    number: int
    status_code: int | None
    duration_ms: int
    error: str | None
    created_at: datetime


class DeliveryOut(Out):
    id: int
    message_id: str = Field(description="Sent as webhook-id; the same on a redelivery.")
    event_type: str
    state: Literal["pending", "succeeded", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    log: list[AttemptOut]


class DeliveryQuery(PageQuery):
    pass
