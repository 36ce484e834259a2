"""What billing keeps besides the organization's own columns: the webhook ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from taskmanager.db import utcnow
from taskmanager.extensions import Model


class ProcessedWebhookEvent(Model):
    """A Stripe event already handled, keyed by Stripe's own event id.

    The row is inserted in the same transaction as the event's effect: a second
    delivery of the same event (Stripe retries, or sends it twice at once) finds the
    key taken and changes nothing. Not tenant-scoped: an event may name no
    organization we know, and only staff read this ledger.
    """

    __tablename__ = "processed_webhook_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(80))
    # The event's own time at Stripe (``created``), not when it reached us.
    created_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    # "applied", or why nothing changed ("older than the state held", "unknown customer").
    outcome: Mapped[str] = mapped_column(String(120))
