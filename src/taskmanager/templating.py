"""Template filters: Markdown (sanitized) and times in the viewer's time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask
from flask_security import current_user

from taskmanager.markup import render_markdown


def _zone() -> ZoneInfo:
    name = getattr(current_user, "time_zone", None) or "UTC"
    return ZoneInfo(name)


def localtime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(_zone()).strftime(fmt)


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name or "UTC")


def init_app(app: Flask) -> None:
    app.add_template_filter(zone, "zone")
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(localtime, "localtime")
