"""The history in words a person reads: names, not stored values.

Events keep what changed as stored (``"in_progress"``, an ISO 8601 due date, label
names); the pages show "In progress", the due date in the reader's time zone, and
leave out bookkeeping such as a card's position in its column. The API keeps the
stored values, which a program can compare.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from flask_security import current_user

from taskmanager import duedates
from taskmanager.activity.models import ActivityEvent
from taskmanager.recurrence import rules

# Stored to keep the board in order, never something a person changed on purpose.
HIDDEN = frozenset(
    {"position", "version", "updated_at", "reminded_at", "assigned_at", "completed_at"}
)
FIELDS = {
    "title": "Title",
    "description": "Description",
    "status": "Status",
    "priority": "Priority",
    "due_at": "Due",
    "assignee": "Assignee",
    "assignee_id": "Assignee",
    "labels": "Labels",
    "name": "Name",
    "archived": "Archived",
    "role": "Role",
    "recurrence": "Repeats",
    "recurrence_zone": "Repeats in time zone",
}
STATUSES = {"todo": "To do", "in_progress": "In progress", "done": "Done"}
NOTHING = "none"
LONG = 80  # longer text (a description) is cut to this many characters


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


def _zone() -> ZoneInfo:
    return ZoneInfo(getattr(current_user, "time_zone", None) or "UTC")


def _due(value: str, zone: ZoneInfo) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    local = moment.astimezone(zone)
    day = f"{local:%a} {local.day} {local:%b %Y}"
    return f"{day}, {local:%H:%M}" if duedates.has_time(moment, zone) else day


def _rule(text: str) -> str:
    try:
        return rules.parse(text).summary()
    except rules.RuleError:
        return text


def _value(field: str, value: Any, zone: ZoneInfo) -> str:
    if value is None or value == "" or value == []:
        return NOTHING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    text = str(value)
    if field == "status":
        return STATUSES.get(text, text)
    if field in ("priority", "role"):
        return text.capitalize()
    if field == "due_at":
        return _due(text, zone)
    if field == "recurrence":
        return _rule(text)
    return text if len(text) <= LONG else text[: LONG - 1] + "…"


def readable_changes(event: ActivityEvent) -> list[Change]:
    """The event's changes a person cares about, each as a field name and two values."""
    zone = _zone()
    return [
        Change(FIELDS.get(name, name.replace("_", " ").capitalize()),
               _value(name, pair[0], zone), _value(name, pair[1], zone))
        for name, pair in (event.changes or {}).items()
        if name not in HIDDEN and isinstance(pair, list) and len(pair) == 2
    ]  # fmt: skip


def only_reordered(event: ActivityEvent) -> bool:
    """A card moved up or down its column and nothing else: "reordered", no details."""
    changes = event.changes or {}
    return event.verb == "task.updated" and bool(changes) and set(changes) <= HIDDEN


def init_app(app: Flask) -> None:
    app.add_template_filter(readable_changes, "readable_changes")
    app.add_template_test(only_reordered, "only_reordered")
    app.add_template_filter(_rule, "repeat_summary")
