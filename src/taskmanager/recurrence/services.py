"""Recurrence: make a task repeat by a rule, change the rule, stop it.

Pages and the API call these same functions; each is one transaction, bumps the
task's version (its representation changed) and lands in its history. The rule is
expanded in an IANA zone: the one sent, else the series' own, else the zone of the
person setting it. Making the next occurrence is occurrences.py (a job).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from taskmanager import duedates
from taskmanager.accounts.schemas import time_zones
from taskmanager.activity import services as activity
from taskmanager.concurrency import check_version
from taskmanager.db import utcnow
from taskmanager.errors import Conflict
from taskmanager.errors import NotFound
from taskmanager.errors import Unprocessable
from taskmanager.extensions import db
from taskmanager.orgs.models import Membership
from taskmanager.policy import Action
from taskmanager.policy import require
from taskmanager.recurrence import rules
from taskmanager.recurrence.models import TaskSeries
from taskmanager.recurrence.schemas import RecurrenceSet
from taskmanager.tasks.models import Status
from taskmanager.tasks.models import Task


def series_of(task: Task) -> TaskSeries | None:
    """The series ``task`` is the current occurrence of, if it repeats."""
    return db.session.scalar(select(TaskSeries).where(TaskSeries.current_task_id == task.id))


def shown(rule: str | None, zone: str | None) -> dict[str, str] | None:
    """RecurrenceOut's fields for a stored rule; None for a task that does not repeat."""
    if rule is None:
        return None
    try:
        summary = rules.parse(rule).summary()
    except rules.RuleError:  # stored rules are canonical; never hide the task for one
        summary = rule
    return {"rule": rule, "timezone": zone or "UTC", "summary": summary}


def _start(rule: rules.Rule, task: Task, zone: ZoneInfo, now: datetime) -> datetime:
    """The series' first occurrence: the task's due date, or the rule's first day from
    today (due at the end of that day, as a due date without a time is)."""
    if task.due_at is not None:
        return rules.local(task.due_at, zone)
    today = datetime.combine(rules.local(now, zone).date(), duedates.END_OF_DAY)
    first = rules.first_from(rule.completed_for(today), start=today)
    if first is None:
        raise Unprocessable(details={"rule": "This rule has no day from today on: check UNTIL."})
    return first


def _mark(task: Task, series: TaskSeries | None) -> None:
    # The task's own columns say whether it repeats (TaskOut, cards): keep them current
    # without a query.
    set_committed_value(task, "repeat_rule", series.rule if series else None)
    set_committed_value(task, "repeat_zone", series.timezone if series else None)


def _record(actor: Membership, task: Task, changes: dict[str, list[Any]]) -> None:
    task.version += 1
    activity.record(
        organization_id=task.organization_id, actor=actor.user, verb="task.updated",
        subject_type="task", subject_id=task.id, subject_title=task.title, task_id=task.id,
        changes=changes,
    )  # fmt: skip


def set_recurrence(
    *,
    actor: Membership,
    task: Task,
    data: RecurrenceSet,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> TaskSeries:
    """Make ``task`` repeat by ``data.rule``, or change the rule it repeats by.

    A task without a due date gets one: the rule's first day from today. A changed
    rule starts again from the task's due date (COUNT counts from there).

    Raises:
        Forbidden: a viewer.
        StaleVersion: ``expected_version`` is not the task's current version.
        Conflict: the task is done (repeat its open occurrence instead).
        Unprocessable: a rule outside the supported subset (the message says what
            works), one that ends before the task is due, or an unknown time zone.
    """
    require(actor.role, Action.WRITE_TASKS)
    check_version(task, expected_version, noun="task")
    if task.status == Status.DONE:
        raise Conflict(
            "This task is done: reopen it, or set the repetition on its next occurrence."
        )
    try:
        rule = rules.parse(data.rule)
    except rules.RuleError as error:
        raise Unprocessable(details={"rule": str(error)}) from None
    if data.timezone is not None and data.timezone not in time_zones():
        raise Unprocessable(
            details={"timezone": "Pick a time zone from the IANA list, like Europe/Berlin."}
        )
    series = series_of(task)
    zone_name = data.timezone or (series.timezone if series else None) or actor.user.time_zone
    zone = ZoneInfo(zone_name or "UTC")
    start = _start(rule, task, zone, now or utcnow())
    rule = rule.completed_for(start)
    if rule.until is not None and rule.until < start.date():
        raise Unprocessable(details={"rule": "UNTIL is before the task is due: pick a later day."})
    changes: dict[str, list[Any]] = {}
    old_rule, old_zone = (series.rule, series.timezone) if series else (None, None)
    if (old_rule, old_zone) == (rule.text(), zone.key):
        return series  # type: ignore[return-value]  # same rule and zone: nothing changes
    changes["recurrence"] = [old_rule, rule.text()]
    if old_zone != zone.key:
        changes["recurrence_zone"] = [old_zone, zone.key]
    if task.due_at is None:
        task.due_at = rules.placed(start, zone)
        task.reminded_at = None
        changes["due_at"] = [None, task.due_at.isoformat()]
    if series is None:
        series = TaskSeries(
            organization_id=task.organization_id, current_task_id=task.id,
            created_by_id=actor.user_id,
        )  # fmt: skip
        db.session.add(series)
    series.rule, series.timezone, series.starts_at, series.made = rule.text(), zone.key, start, 1
    _record(actor, task, changes)
    try:
        db.session.flush()
    except IntegrityError:  # someone else made it repeat a moment ago
        db.session.rollback()
        raise Conflict(
            "Someone else just set this task to repeat: reload it and try again."
        ) from None
    _mark(task, series)
    db.session.commit()
    return series


def stop_recurrence(*, actor: Membership, task: Task, expected_version: int | None = None) -> None:
    """Stop ``task`` repeating: it and every earlier occurrence stay as they are.

    Raises:
        Forbidden: a viewer.
        StaleVersion: ``expected_version`` is not the task's current version.
        NotFound: the task does not repeat.
    """
    require(actor.role, Action.WRITE_TASKS)
    check_version(task, expected_version, noun="task")
    series = series_of(task)
    if series is None:
        raise NotFound("This task does not repeat.")
    _record(actor, task, {"recurrence": [series.rule, None]})
    db.session.delete(series)
    _mark(task, None)
    db.session.commit()
