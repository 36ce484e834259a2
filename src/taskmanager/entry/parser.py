"""Quick-add text read into a task's parts: pure, no database, no clock.

``Fix login !high #bug @ana tomorrow`` is a task titled "Fix login", priority high,
label "bug", for the member ana, due tomorrow. The rules, in the order a word is tried:

- ``!low``, ``!normal`` (or ``!medium``), ``!high``, ``!urgent``: the priority.
- ``#name``: a label (``#needs-review`` also finds "needs review"). ``#123`` stays in
  the title: a number after ``#`` is an issue reference, not a label.
- ``@name``: the assignee, by name or email prefix (``@me`` is you).
- A due day: ``today``, ``tomorrow``, a weekday (``friday`` or ``fri``: the next
  one, never today; ``sat``, ``sun`` and ``wed`` are words, so spell those days out),
  ``next friday`` (the one in the week after this), ``next week`` (Monday of next
  week), ``in 3 days``, ``in 2 weeks``, ``2026-12-24``, ``dec 24``, ``24 dec``,
  ``december 24 2026`` (a day without a year is the next such day).

Only the first priority, due day and assignee count; a second one stays in the title,
where the person sees it. Words that are none of these stay in the title, as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta

PRIORITIES = {
    "low": "low",
    "normal": "normal",
    "medium": "normal",
    "high": "high",
    "urgent": "urgent",
}
# Short forms that are words of their own ("sun", "sat", "wed") are left out: "Fix the
# sun icon" is not due on Sunday.
WEEKDAYS = {
    **{name: number for number, name in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )},
    "mon": 0, "tue": 1, "tues": 1, "thu": 3, "thur": 3, "thurs": 3, "fri": 4,
}  # fmt: skip
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
DAY_NUMBER = re.compile(r"(\d{1,2})(st|nd|rd|th)?")
LABEL = re.compile(r"#([\w][\w.-]{0,39})")
PERSON = re.compile(r"@([\w][\w.+@-]{0,99})")


@dataclass
class QuickAdd:
    """What a quick-add text says; names are as typed, still to be found in the org."""

    title: str
    priority: str | None = None
    labels: list[str] = field(default_factory=list)
    assignee: str | None = None
    due: date | None = None


def _weekday(word: str) -> int | None:
    """0-6 for a weekday's name or one of its short forms."""
    return WEEKDAYS.get(word)


def _month(word: str) -> int | None:
    """1-12 for a month name or its first three (or more) letters ("sept" too)."""
    if len(word) < 3:
        return None
    for number, name in enumerate(MONTHS, start=1):
        if name.startswith(word):
            return number
    return None


def _day_number(word: str) -> int | None:
    match = DAY_NUMBER.fullmatch(word)
    return int(match.group(1)) if match else None


def _month_day(month: int, day: int, year: int | None, today: date) -> date | None:
    """That day of the month; without a year, the next time it comes (today included)."""
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:  # 31 Feb
            return None
    for ahead in range(9):  # 29 Feb comes at least every eight years
        try:
            candidate = date(today.year + ahead, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _year(word: str | None) -> int | None:
    if word is not None and len(word) == 4 and word.isdigit() and 2000 <= int(word) <= 2100:
        return int(word)
    return None


def read_day(words: list[str], today: date) -> tuple[date, int] | None:
    """A due day at the start of ``words`` (lower case): the day and how many words it took."""
    first = words[0]
    second = words[1] if len(words) > 1 else None
    third = words[2] if len(words) > 2 else None
    if first == "today":
        return today, 1
    if first in ("tomorrow", "tmr", "tmrw"):
        return today + timedelta(days=1), 1
    if ISO_DAY.fullmatch(first):
        try:
            return date.fromisoformat(first), 1
        except ValueError:
            return None
    if first == "next" and second is not None:
        if second == "week":
            return today + timedelta(days=7 - today.weekday()), 2
        weekday = _weekday(second)
        if weekday is not None:
            monday = today + timedelta(days=7 - today.weekday())
            return monday + timedelta(days=weekday), 2
        return None
    if first == "in" and second is not None and second.isdigit() and third is not None:
        count = int(second)
        if third in ("day", "days") and count <= 3650:
            return today + timedelta(days=count), 3
        if third in ("week", "weeks") and count <= 520:
            return today + timedelta(weeks=count), 3
        return None
    weekday = _weekday(first)
    if weekday is not None:
        ahead = (weekday - today.weekday() - 1) % 7 + 1  # 1..7: the next one, never today
        return today + timedelta(days=ahead), 1
    month = _month(first)
    if month is not None and second is not None and (day := _day_number(second)) is not None:
        year = _year(third)  # "dec 24" or "dec 24 2026"
        found = _month_day(month, day, year, today)
        return (found, 3 if year else 2) if found else None
    day = _day_number(first)
    if day is not None and second is not None and (month := _month(second)) is not None:
        year = _year(third)  # "24 dec" or "24 dec 2026"
        found = _month_day(month, day, year, today)
        return (found, 3 if year else 2) if found else None
    return None


def parse(text: str, *, today: date) -> QuickAdd:
    """Read ``text``; ``today`` is the day where the person is (relative days count from it)."""
    words = text.split()
    parsed = QuickAdd(title="")
    kept: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        lower = word.lower()
        if lower.startswith("!") and lower[1:] in PRIORITIES and parsed.priority is None:
            parsed.priority = PRIORITIES[lower[1:]]
        elif (match := LABEL.fullmatch(word)) and not match.group(1).isdigit():
            if match.group(1).lower() not in (name.lower() for name in parsed.labels):
                parsed.labels.append(match.group(1))
        elif (match := PERSON.fullmatch(word)) and parsed.assignee is None:
            parsed.assignee = match.group(1)
        elif parsed.due is None and (
            found := read_day([w.lower() for w in words[i : i + 3]], today)
        ):
            parsed.due, taken = found
            i += taken
            continue
        else:
            kept.append(word)
        i += 1
    parsed.title = " ".join(kept)
    return parsed
