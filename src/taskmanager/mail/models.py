from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from taskmanager.db import utcnow
from taskmanager.extensions import Model


class OutboundEmail(Model):
    """One logical message. Its row exists before any attempt to send it.

    ``key`` is the idempotency key: the same logical message (say, the reminder for
    one task and one due date) is stored once, so it can be delivered once.
    """

    __tablename__ = "outbound_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
