"""Due dates as people type them: a day alone means the end of that day, where they are.

One rule for the page form, the CSV import and the displays: a due date given without
a time is due at ``END_OF_DAY`` in the person's time zone (not some office hour), and
a due time of ``END_OF_DAY`` is shown as the day alone.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import time
from zoneinfo import ZoneInfo

END_OF_DAY = time(23, 59)

# Unambiguous day formats beyond ISO 8601. Slashed dates (12/05/2026) are not here:
# they are the 5th of December in one country and the 12th of May in another.
DAY_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y")
TIME_FORMATS = ("%H:%M", "%H:%M:%S")
HELP = (
    "Write due dates like 2026-12-05 (due at the end of that day) or 2026-12-05 17:00; "
    "31.12.2026 and 5 Dec 2026 work too."
)


def parse_day(text: str) -> date | None:
    """``text`` as a day in one of ``DAY_FORMATS``; None if it is not one."""
    cleaned = " ".join(text.replace(",", " ").split())
    for pattern in DAY_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    return None


def due_from_text(text: str, zone: ZoneInfo) -> datetime:
    """A typed due date (day, day and time, or ISO 8601 moment) as an aware datetime.

    A moment with an offset keeps it; anything else is read in ``zone``.

    Raises:
        ValueError: not a date this understands; the message says what works.
    """
    text = text.strip()
    day = parse_day(text)
    if day is not None:
        return datetime.combine(day, END_OF_DAY, tzinfo=zone)
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        raise ValueError(f"{text!r} is not a date. {HELP}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def has_time(moment: datetime, zone: ZoneInfo) -> bool:
    """Whether a due moment carries a time of day, or stands for the whole day."""
    return moment.astimezone(zone).time().replace(second=0, microsecond=0) != END_OF_DAY
