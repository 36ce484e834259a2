"""What ``flask jobs status`` reports: queue depth, recent failures, scheduled runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from kombu import Connection
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.db import utcnow
from taskmanager.extensions import db
from taskmanager.imports.models import Job
from taskmanager.mail.models import OutboundEmail
from taskmanager.schedule import ScheduleRun


@dataclass
class Status:
    queue_depth: int | None
    unsent_emails: list[OutboundEmail]
    failed_jobs: list[Job]
    schedule: list[ScheduleRun]
    checked_at: datetime


def queue_depth(queue: str = "celery") -> int | None:
    """Messages waiting in the broker's default queue; None if the broker is unreachable."""
    try:
        with Connection(current_app.config["BROKER_URL"], connect_timeout=2) as connection:
            declared = connection.default_channel.queue_declare(queue=queue, passive=True)
            return int(declared.message_count)
    except Exception:  # any broker error means "unknown", which the report says
        return None


def status() -> Status:
    with tenancy.system():
        unsent = db.session.scalars(
            select(OutboundEmail)
            .where(OutboundEmail.sent_at.is_(None), OutboundEmail.last_error.is_not(None))
            .order_by(OutboundEmail.id.desc())
            .limit(10)
        ).all()
        failed = db.session.scalars(
            select(Job).where(Job.state == "failed").order_by(Job.id.desc()).limit(10)
        ).all()
        schedule = db.session.scalars(select(ScheduleRun).order_by(ScheduleRun.name)).all()
    return Status(queue_depth(), list(unsent), list(failed), list(schedule), utcnow())
