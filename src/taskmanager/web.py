"""Helpers the page views share: run a form's service call, read form fields."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from datetime import datetime
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

from flask import flash
from flask import redirect
from flask import request
from werkzeug import Response

from taskmanager import links
from taskmanager.db import MAX_ID
from taskmanager.errors import Conflict
from taskmanager.errors import PlanLimitReached
from taskmanager.errors import ValidationFailed
from taskmanager.tasks.dates import END_OF_DAY


def form_action(action: Callable[[], Any], *, success: str, back: str) -> Response:
    """Run ``action``; flash the outcome and go back to ``back`` (303, as after a POST).

    Input problems (ValidationFailed, Conflict) and a full plan are the user's to fix,
    so they come back as a message on the page; NotFound and Forbidden go to the
    error pages.
    ``back`` may come from the client, so only a local path is followed.
    """
    try:
        action()
    except (ValidationFailed, Conflict, PlanLimitReached) as error:
        flash(describe(error), "danger")
    else:
        flash(success, "success")
    return redirect(links.safe_target(back, "/"), 303)


def describe(error: ValidationFailed | Conflict | PlanLimitReached) -> str:
    if error.details and isinstance(error, ValidationFailed):
        fields = "; ".join(
            f"{name.replace('_', ' ')}: {text}" for name, text in error.details.items()
        )
        return f"{error.message} {fields}"
    return error.message


def form_fields(*names: str, empty: str | None = None) -> dict[str, Any]:
    """The named form fields that were sent, as typed; an empty one as ``empty``.

    Nothing is cut or cleaned here: the schema the fields are parsed into decides,
    and says what is wrong, so the page and the API refuse the same things.
    """
    sent: dict[str, Any] = {}
    for name in names:
        if name in request.form:
            sent[name] = request.form[name] if request.form[name].strip() else empty
    return sent


def local_datetime(day: str | None, clock: str | None, zone: str) -> datetime | None:
    """A date and optional time typed in ``zone``, as an aware datetime; None if no date.

    Raises:
        ValidationFailed: the date or time is not in the form's format.
    """
    if not day:
        return None
    try:
        parsed_day = date.fromisoformat(day)
        # No time: due at the end of that day where the user is, not at some office hour.
        parsed_time = time.fromisoformat(clock) if clock else END_OF_DAY
        # The API's rule: a moment that exists in UTC, with a day after it (ranges end
        # a day later), so neither Python nor the database overflows on it.
        if not date(1, 1, 2) <= parsed_day <= date(9999, 12, 30):
            raise ValueError("out of range")
    except ValueError:
        raise ValidationFailed(
            details={"due_at": "Use a date like 2026-05-31, and a time like 17:00 if it matters."}
        ) from None
    return datetime.combine(parsed_day, parsed_time, tzinfo=ZoneInfo(zone))


def int_or_none(value: str | None) -> int | None:
    """A form or query integer; None when absent, not a number, or past any row id.

    Ids, page numbers, versions and positions all fit in ``MAX_ID``; a bigger number
    sent on to the database would fail there as out of range (a 500), so it names
    nothing here, as the API's ``le=MAX_ID`` rules make it.
    """
    try:
        number = int(value) if value not in (None, "") else None
    except ValueError:
        return None
    if number is None or not -MAX_ID <= number <= MAX_ID:
        return None
    return number
