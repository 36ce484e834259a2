"""Recurrence rules: the iCalendar RRULE subset TaskManager repeats tasks by.

Pure functions, no database. A rule is read from RRULE text (``FREQ=WEEKLY;BYDAY=MO,WE``),
checked, written back in one canonical spelling, described in words ("Weekly on Mon,
Wed") and expanded with ``dateutil.rrule``.

Expansion happens in wall-clock time: the series' start is a naive local time in its
IANA zone, the rule steps through local times, and only then is each one placed in the
zone. So 09:00 in Europe/Berlin stays 09:00 across a daylight-saving change (its UTC
time moves by an hour), as calendar apps expand a rule with a TZID. A local time that
does not exist (02:30 on the night clocks go forward) is read with the offset before
the change, i.e. an hour later on the wall clock, as RFC 5545 §3.3.5 says.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from zoneinfo import ZoneInfo

from dateutil import rrule

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_INTERVAL = 365
MAX_COUNT = 1000
PARTS = ("FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL")
UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
ADVERBS = {"DAILY": "Daily", "WEEKLY": "Weekly", "MONTHLY": "Monthly", "YEARLY": "Yearly"}
HELP = (
    "Write a rule like FREQ=WEEKLY;BYDAY=MO,WE or FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15 "
    "(FREQ is DAILY, WEEKLY, MONTHLY or YEARLY)."
)


class RuleError(ValueError):
    """A rule this product does not repeat by; the message says what to write instead."""


@dataclass(frozen=True)
class Rule:
    freq: str
    interval: int = 1
    byday: tuple[str, ...] = ()  # WEEKLY only, in week order
    bymonthday: int | None = None  # MONTHLY only: 1-31, or -1 for the last day
    count: int | None = None
    until: date | None = None  # the last day an occurrence may fall on (local)

    def text(self) -> str:
        """The canonical RRULE value: parts in one order, defaults left out."""
        parts = [f"FREQ={self.freq}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.byday:
            parts.append("BYDAY=" + ",".join(self.byday))
        if self.bymonthday is not None:
            parts.append(f"BYMONTHDAY={self.bymonthday}")
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        if self.until is not None:
            parts.append(f"UNTIL={self.until:%Y%m%d}")
        return ";".join(parts)

    def summary(self) -> str:
        """In words: "Weekly on Mon, Wed", "Every 2 months on day 15", "Daily, 10 times"."""
        unit = UNITS[self.freq]
        words = ADVERBS[self.freq] if self.interval == 1 else f"Every {self.interval} {unit}s"
        if self.byday:
            words += " on " + ", ".join(DAY_NAMES[DAYS.index(day)] for day in self.byday)
        if self.bymonthday == -1:
            words += " on the last day"
        elif self.bymonthday is not None:
            words += f" on day {self.bymonthday}"
        if self.count is not None:
            words += ", once" if self.count == 1 else f", {self.count} times"
        if self.until is not None:
            words += f", until {self.until.day} {self.until:%b %Y}"
        return words

    def completed_for(self, start: datetime) -> Rule:
        """This rule with what the start implies written out: a weekly rule without days
        repeats on the start's weekday, a monthly one on the start's day of the month."""
        if self.freq == "WEEKLY" and not self.byday:
            return replace(self, byday=(DAYS[start.weekday()],))
        if self.freq == "MONTHLY" and self.bymonthday is None:
            return replace(self, bymonthday=start.day)
        return self


def _number(name: str, value: str, low: int, high: int) -> int:
    if not value.lstrip("-").isdigit() or not low <= int(value) <= high:
        raise RuleError(f"{name} must be a whole number from {low} to {high}.")
    return int(value)


def _until(value: str) -> date:
    try:
        return datetime.strptime(value[:8], "%Y%m%d").date()
    except ValueError:
        raise RuleError("UNTIL must be a day written like 20271231.") from None


def parse(text: str) -> Rule:
    """Read RRULE text (an optional ``RRULE:`` prefix is allowed).

    Raises:
        RuleError: an unknown or repeated part, a frequency other than DAILY, WEEKLY,
            MONTHLY or YEARLY, an interval outside 1-365, days on a rule that is not
            weekly, a day of the month on one that is not monthly, COUNT and UNTIL
            together, or COUNT above 1000.
    """
    cleaned = text.strip().upper().removeprefix("RRULE:").strip().rstrip(";")
    if not cleaned:
        raise RuleError(f"The rule is empty. {HELP}")
    parts: dict[str, str] = {}
    for piece in cleaned.upper().split(";"):
        name, sep, value = piece.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not value:
            raise RuleError(f"“{piece}” is not NAME=VALUE. {HELP}")
        if name not in PARTS:
            raise RuleError(f"{name} is not supported here: use {', '.join(PARTS)}.")
        if name in parts:
            raise RuleError(f"{name} appears twice.")
        parts[name] = value
    freq = parts.get("FREQ")
    if freq not in FREQUENCIES:
        raise RuleError(f"FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY. {HELP}")
    rule = Rule(
        freq=freq, interval=_number("INTERVAL", parts.get("INTERVAL", "1"), 1, MAX_INTERVAL)
    )
    if "BYDAY" in parts:
        if freq != "WEEKLY":
            raise RuleError("BYDAY (days of the week) goes with FREQ=WEEKLY only.")
        days = {day.strip() for day in parts["BYDAY"].split(",")}
        unknown = sorted(days - set(DAYS))
        if unknown:
            raise RuleError(f"BYDAY takes MO, TU, WE, TH, FR, SA, SU; not {', '.join(unknown)}.")
        rule = replace(rule, byday=tuple(day for day in DAYS if day in days))
    if "BYMONTHDAY" in parts:
        if freq != "MONTHLY":
            raise RuleError("BYMONTHDAY (a day of the month) goes with FREQ=MONTHLY only.")
        day = _number("BYMONTHDAY", parts["BYMONTHDAY"], -1, 31)
        if day == 0:
            raise RuleError("BYMONTHDAY is a day from 1 to 31, or -1 for the last day.")
        rule = replace(rule, bymonthday=day)
    if "COUNT" in parts and "UNTIL" in parts:
        raise RuleError("Give COUNT or UNTIL, not both.")
    if "COUNT" in parts:
        rule = replace(rule, count=_number("COUNT", parts["COUNT"], 1, MAX_COUNT))
    if "UNTIL" in parts:
        rule = replace(rule, until=_until(parts["UNTIL"]))
    return rule


def _expander(rule: Rule, start: datetime) -> rrule.rrule:
    until = datetime.combine(rule.until, time(23, 59, 59)) if rule.until else None
    return rrule.rrule(
        rrule.FREQNAMES.index(rule.freq),
        dtstart=start,
        interval=rule.interval,
        byweekday=[DAYS.index(day) for day in rule.byday] or None,
        bymonthday=rule.bymonthday,
        count=rule.count,
        until=until,
        cache=False,
    )


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """An aware moment as naive wall-clock time in ``zone``."""
    return moment.astimezone(zone).replace(tzinfo=None)


def placed(wall: datetime, zone: ZoneInfo) -> datetime:
    """Naive wall-clock time in ``zone`` as an aware UTC moment."""
    return wall.replace(tzinfo=zone).astimezone(UTC)


def next_after(rule: Rule, *, start: datetime, after: datetime) -> datetime | None:
    """The rule's first occurrence strictly after ``after``; None once it has ended.

    ``start`` (the series' first occurrence) and ``after`` are naive wall-clock times
    in the series' zone; so is the answer.
    """
    found: datetime | None = _expander(rule, start).after(after, inc=False)
    return found


def first_from(rule: Rule, *, start: datetime) -> datetime | None:
    """The rule's first occurrence at or after ``start`` (naive wall-clock)."""
    found: datetime | None = _expander(rule, start).after(start, inc=True)
    return found


def last(rule: Rule, *, start: datetime) -> datetime | None:
    """The last occurrence of a rule that ends by COUNT or UNTIL; None if it never ends."""
    if rule.count is None and rule.until is None:
        return None
    occurrences = list(_expander(rule, start))
    return occurrences[-1] if occurrences else None
