from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from taskmanager.db import TimestampMixin
from taskmanager.extensions import Model
from taskmanager.tenancy import TenantScoped


class TaskSeries(Model, TenantScoped, TimestampMixin):
    """A repeating task: its rule, its zone, and the occurrence that is current.

    ``current_task_id`` is the one occurrence that repeats (the open one, or the one
    just completed whose next is not made yet). Making the next occurrence moves it,
    with a compare-and-set on this row (occurrences.advance), so a job delivered twice
    or a sweep racing a job makes one. Deleting the current task ends the series.
    """

    __tablename__ = "task_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(200))  # canonical RRULE (rules.Rule.text)
    timezone: Mapped[str] = mapped_column(String(64))  # IANA name the rule is expanded in
    # The rule's DTSTART: naive wall-clock time in ``timezone``, never UTC, so the time of
    # day survives daylight-saving changes.
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    current_task_id: Mapped[int | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), unique=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Occurrences made so far, the first included.
    made: Mapped[int] = mapped_column(default=1)
