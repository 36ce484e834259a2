"""The staff dashboard's figures: counts, and sign-ups and tasks created per day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from taskmanager.accounts.models import User
from taskmanager.billing.models import ProcessedWebhookEvent
from taskmanager.db import utcnow
from taskmanager.extensions import db
from taskmanager.mail.models import OutboundEmail
from taskmanager.orgs.models import Organization
from taskmanager.tasks.models import Task

DAYS = 30


@dataclass(frozen=True)
class Series:
    name: str
    color: str
    counts: list[int]  # one per day, oldest first
    dashed: bool = False  # told apart where the lines overlap


def counts() -> dict[str, int]:
    def count(query: object) -> int:
        return int(db.session.scalar(query) or 0)  # type: ignore[call-overload]

    return {
        "Users": count(select(func.count()).select_from(User)),
        "Active users": count(select(func.count()).where(User.active.is_(True))),
        "Organizations": count(select(func.count()).select_from(Organization)),
        "Paying organizations": count(
            select(func.count()).where(
                Organization.plan == "pro", Organization.subscription_status == "active"
            )
        ),
        "Tasks": count(select(func.count()).select_from(Task)),
        "Webhook events": count(select(func.count()).select_from(ProcessedWebhookEvent)),
        "Emails failing": count(
            select(func.count()).where(
                OutboundEmail.sent_at.is_(None), OutboundEmail.last_error.is_not(None)
            )
        ),
    }


def days() -> list[date]:
    today = utcnow().date()
    return [today - timedelta(days=n) for n in range(DAYS - 1, -1, -1)]


def _per_day(column: InstrumentedAttribute[datetime]) -> list[int]:
    first = datetime.combine(days()[0], time(0), tzinfo=UTC)
    day = func.date(column)
    rows = db.session.execute(select(day, func.count()).where(column >= first).group_by(day))
    found = {str(d): n for d, n in rows}
    return [found.get(d.isoformat(), 0) for d in days()]


def per_day() -> list[Series]:
    return [
        Series("Sign-ups", "#0d6efd", _per_day(User.created_at), dashed=True),
        Series("Tasks created", "#198754", _per_day(Task.created_at)),
    ]


@dataclass(frozen=True)
class Chart:
    """A line chart drawn on the server as SVG: no script, nothing for the CSP to allow."""

    width: int
    height: int
    top: int
    lines: list[tuple[Series, str]]  # each series with its polyline's points
    labels: list[tuple[float, str]]  # x position and date, every week


def chart(series: list[Series], *, width: int = 720, height: int = 220) -> Chart:
    pad = 30
    top = max([1, *(max(s.counts) for s in series)])
    step = (width - 2 * pad) / (DAYS - 1)

    def y(value: int) -> float:
        return round(height - pad - (height - 2 * pad) * value / top, 1)

    lines = [
        (s, " ".join(f"{round(pad + i * step, 1)},{y(v)}" for i, v in enumerate(s.counts)))
        for s in series
    ]
    labels = [(round(pad + i * step, 1), d.strftime("%m-%d")) for i, d in enumerate(days())][::7]
    return Chart(width=width, height=height, top=top, lines=lines, labels=labels)
