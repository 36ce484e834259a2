"""What a recurrence is given and how it is shown: pages and API alike."""

from __future__ import annotations

from typing import Annotated
from typing import Any
from typing import ClassVar
from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

from taskmanager.accounts.schemas import ZONE_SHAPE
from taskmanager.schemas import STRIPPED
from taskmanager.schemas import input_rules


def _document(schema: dict[str, Any]) -> None:
    input_rules(schema)
    schema["example"] = {"rule": "FREQ=WEEKLY;BYDAY=MO,WE", "timezone": "Europe/Berlin"}


class RecurrenceSet(BaseModel):
    """A rule as iCalendar RRULE text, and the zone it is expanded in."""

    # The document states the text's shape (STRIPPED's rules); the rule's grammar and
    # the zone's existence are the service's, answered 422 (docs/api.md §2).
    model_config = STRIPPED | ConfigDict(json_schema_extra=_document)

    rule: str = Field(
        min_length=1,
        max_length=200,
        description="An RRULE value: FREQ (DAILY, WEEKLY, MONTHLY, YEARLY), INTERVAL (1-365), "
        "BYDAY (weekly: MO,TU,...), BYMONTHDAY (monthly: 1-31, -1 for the last day), and "
        "COUNT (1-1000) or UNTIL (a day, 20271231). A weekly rule without BYDAY repeats on "
        "the due date's weekday, a monthly one without BYMONTHDAY on its day.",
    )
    timezone: Annotated[str, Field(json_schema_extra={"pattern": ZONE_SHAPE})] | None = Field(
        default=None,
        max_length=64,
        description="The IANA zone the rule is expanded in (wall-clock times are kept across "
        "daylight-saving changes). Default: the zone already set for this task's series, "
        "else yours (`GET /me`). One this server does not know is 422.",
    )


class RecurrenceOut(BaseModel):
    rule: str = Field(description="The canonical RRULE value, e.g. FREQ=WEEKLY;BYDAY=MO,WE.")
    timezone: str = Field(description="The IANA zone the rule is expanded in.")
    summary: str = Field(description="The rule in words, e.g. “Weekly on Mon, Wed”.")


class RecurrenceForm(BaseModel):
    """The task page's simple form: how often, every how many, which days."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    field_messages: ClassVar[dict[str, str]] = {
        "freq": "Pick how often: daily, weekly, monthly or yearly.",
        "interval": "Repeat every 1 to 365 days, weeks, months or years.",
        "month_day": "Pick a day of the month from 1 to 31, or the last day.",
        "days": "Tick days of the week from Monday to Sunday.",
        "timezone": "Pick a time zone from the IANA list, like Europe/Berlin.",
    }

    freq: Literal["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]
    interval: int = Field(default=1, ge=1, le=365)
    days: list[Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"]] = Field(default_factory=list)
    month_day: int | None = Field(default=None, ge=-1, le=31)
    # Whether the zone exists is the service's rule, for the page and the API alike.
    timezone: str | None = Field(default=None, max_length=64)

    def to_set(self) -> RecurrenceSet:
        """The rule this form describes, as the API would send it."""
        parts = [f"FREQ={self.freq}", f"INTERVAL={self.interval}"]
        if self.freq == "WEEKLY" and self.days:
            parts.append("BYDAY=" + ",".join(self.days))
        if self.freq == "MONTHLY" and self.month_day:
            parts.append(f"BYMONTHDAY={self.month_day}")
        return RecurrenceSet(rule=";".join(parts), timezone=self.timezone)
