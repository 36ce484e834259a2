"""What the task page's "Repeat" section shows (tasks/views.py includes it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from taskmanager.db import utcnow
from taskmanager.orgs.models import Membership
from taskmanager.policy import Action
from taskmanager.policy import can
from taskmanager.recurrence import rules
from taskmanager.recurrence import services
from taskmanager.recurrence.models import TaskSeries
from taskmanager.tasks.models import Status
from taskmanager.tasks.models import Task

FREQUENCIES = (
    ("DAILY", "Daily"),
    ("WEEKLY", "Weekly"),
    ("MONTHLY", "Monthly"),
    ("YEARLY", "Yearly"),
)
WEEKDAYS = tuple(zip(rules.DAYS, rules.DAY_NAMES, strict=True))


@dataclass
class Panel:
    series: TaskSeries | None
    rule: rules.Rule | None
    summary: str
    next_due: datetime | None  # aware: after this occurrence, if it is done now
    zone: str  # the series' zone, or the reader's for a new rule
    can_edit: bool
    done: bool  # a done task is not given a rule (its next occurrence carries it)


def panel(me: Membership, task: Task) -> Panel:
    series = services.series_of(task)
    rule = rules.parse(series.rule) if series else None
    next_due = None
    if series is not None and rule is not None:
        zone = ZoneInfo(series.timezone)
        now = rules.local(utcnow(), zone)
        after = max(rules.local(task.due_at, zone), now) if task.due_at else now
        wall = rules.next_after(rule, start=series.starts_at, after=after)
        next_due = rules.placed(wall, zone) if wall else None
    return Panel(
        series=series,
        rule=rule,
        summary=rule.summary() if rule else "",
        next_due=next_due,
        zone=series.timezone if series else (me.user.time_zone or "UTC"),
        can_edit=can(me.role, Action.WRITE_TASKS),
        done=task.status == Status.DONE,
    )
