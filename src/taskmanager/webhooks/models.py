"""Outgoing webhooks: endpoints an organization subscribes, and what was sent to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from taskmanager.db import utcnow
from taskmanager.extensions import Model
from taskmanager.tenancy import TenantScoped

EVENT_TYPES = ("task.created", "task.updated", "task.deleted", "comment.created", "member.joined")


class WebhookEndpoint(Model, TenantScoped):
    """A URL that receives the organization's events, signed with its secret.

    The secret signs, so it is kept as is (a hash could not sign); it is shown only
    when made. After a rotation the previous secret signs too until
    ``previous_secret_expires_at``, so receivers can switch without losing messages.
    """

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    secret: Mapped[str] = mapped_column(String(100))
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_expires_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)


class WebhookDelivery(Model, TenantScoped):
    """One message to one endpoint, tried until it succeeds or the schedule runs out.

    ``body`` is the exact bytes every attempt signs and sends. A redelivery is a new
    row with the same ``message_id``: receivers deduplicate on ``webhook-id``.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[str] = mapped_column(String(64), index=True)
    event_type: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    # pending -> succeeded | failed
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    log: Mapped[list[WebhookAttempt]] = relationship(
        order_by="WebhookAttempt.number", lazy="selectin", cascade="all, delete-orphan"
    )


class WebhookAttempt(Model, TenantScoped):
    """One try of a delivery: the answer's status, how long it took, what went wrong."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    status_code: Mapped[int | None]
    duration_ms: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
