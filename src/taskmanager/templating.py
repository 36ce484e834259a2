"""Template filters: Markdown (sanitized) and times in the viewer's time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask
from flask_security import current_user

from taskmanager.db import utcnow
from taskmanager.markup import render_markdown
from taskmanager.tasks import dates


def _zone() -> ZoneInfo:
    name = getattr(current_user, "time_zone", None) or "UTC"
    return ZoneInfo(name)


def localtime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(_zone()).strftime(fmt)


def timed(value: datetime | None) -> bool:
    """Whether a due moment has a time of day for the viewer (END_OF_DAY means no)."""
    return value is not None and dates.has_time(value, _zone())


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name or "UTC")


def overdue(task: object) -> bool:
    """True for an open task whose due time has passed (the board and list colour it)."""
    due = getattr(task, "due_at", None)
    return due is not None and getattr(task, "status", None) != "done" and due < utcnow()


def initials(name: str | None) -> str:
    """Up to two letters for an avatar: "Ana Admin" -> "AA", "journey" -> "J"."""
    words = (name or "?").split()
    return "".join(word[0] for word in words[:2]).upper()


def init_app(app: Flask) -> None:
    app.add_template_filter(zone, "zone")
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(initials, "initials")
    app.add_template_test(overdue, "overdue")
    app.add_template_test(timed, "timed")
