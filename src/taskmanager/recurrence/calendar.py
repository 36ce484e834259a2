"""A repeating task in the iCalendar feed: one event with an RRULE, in the rule's zone.

One event per series, not one per future occurrence: calendar apps draw the coming
occurrences themselves from the RRULE, and only the open occurrence exists as a task
(the next is made when it is done). The start carries the series' TZID (with a
VTIMEZONE in the feed) rather than UTC, so the app keeps 09:00 at 09:00 local across
daylight-saving changes, as the product does. COUNT becomes UNTIL (the series' last
occurrence): counted from the open occurrence, the app would show too many.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Event
from sqlalchemy import select

from taskmanager.extensions import db
from taskmanager.recurrence import rules
from taskmanager.recurrence.models import TaskSeries


def series_for(task_ids: Iterable[int]) -> dict[int, TaskSeries]:
    """The series of these tasks that repeat, by task id: one statement."""
    wanted = list(task_ids)
    if not wanted:
        return {}
    found = db.session.scalars(select(TaskSeries).where(TaskSeries.current_task_id.in_(wanted)))
    return {series.current_task_id: series for series in found if series.current_task_id}


def recur(series: TaskSeries) -> dict[str, Any]:
    """The RRULE property's parts for the series' rule."""
    rule = rules.parse(series.rule)
    parts: dict[str, Any] = {"FREQ": rule.freq, "INTERVAL": rule.interval}
    if rule.byday:
        parts["BYDAY"] = list(rule.byday)
    if rule.bymonthday is not None:
        parts["BYMONTHDAY"] = rule.bymonthday
    end: datetime | None = None
    if rule.until is not None:
        end = datetime.combine(rule.until, time(23, 59, 59))
    elif rule.count is not None:
        end = rules.last(rule, start=series.starts_at)
    if end is not None:
        # With a zoned DTSTART, RFC 5545 wants UNTIL in UTC.
        parts["UNTIL"] = rules.placed(end, ZoneInfo(series.timezone)).astimezone(UTC)
    return parts


def add_rule(event: Event, *, due_at: datetime, length: timedelta, series: TaskSeries) -> None:
    """Give ``event`` (a task due at ``due_at``) its rule, and its start and end in the
    series' zone."""
    start = due_at.astimezone(ZoneInfo(series.timezone))
    for name in ("dtstart", "dtend"):
        event.pop(name, None)
    event.add("dtstart", start)
    event.add("dtend", start + length)
    event.add("rrule", recur(series))
