"""The scheduled jobs' run log: when each last ran and what it did.

Infrastructure, not a feature: every scheduled job (the job sweep, reminders, the
idempotency purge) notes its run here, and ``flask jobs status`` reads it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from taskmanager.db import utcnow
from taskmanager.extensions import Model
from taskmanager.extensions import db


class ScheduleRun(Model):
    """The last run of each scheduled job, for ``flask jobs status``."""

    __tablename__ = "schedule_runs"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    last_run_at: Mapped[datetime]
    last_result: Mapped[str] = mapped_column(String(200), default="")


def record_run(name: str, result: str) -> None:
    """Note that a scheduled job ran (in the job's own transaction)."""
    run = db.session.get(ScheduleRun, name) or ScheduleRun(name=name)
    run.last_run_at = utcnow()
    run.last_result = result[:200]
    db.session.add(run)
