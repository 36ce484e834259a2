"""Recurrence rules: the RRULE subset, its words, and expansion across daylight saving."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from taskmanager.recurrence import rules
from taskmanager.recurrence.rules import RuleError

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")


def occurrences(text, *, start, zone, times):
    """The first ``times`` occurrences of ``text`` from ``start`` (wall clock), as UTC."""
    rule = rules.parse(text).completed_for(start)
    found, after = [], start
    for _ in range(times):
        after = rules.next_after(rule, start=start, after=after)
        found.append(rules.placed(after, zone))
    return found


def test_weekly_at_nine_in_berlin_stays_at_nine_across_the_spring_change():
    # Berlin moves from +01:00 to +02:00 on Sunday 29 March 2026.
    start = datetime(2026, 3, 23, 9, 0)  # a Monday
    found = occurrences("FREQ=WEEKLY;BYDAY=MO", start=start, zone=BERLIN, times=2)
    assert found == [
        datetime(2026, 3, 30, 7, 0, tzinfo=UTC),
        datetime(2026, 4, 6, 7, 0, tzinfo=UTC),
    ]
    assert [moment.astimezone(BERLIN).hour for moment in found] == [9, 9]
    assert rules.placed(start, BERLIN) == datetime(2026, 3, 23, 8, 0, tzinfo=UTC)


def test_daily_at_nine_in_new_york_stays_at_nine_across_the_autumn_change():
    # New York moves from -04:00 to -05:00 on Sunday 1 November 2026.
    start = datetime(2026, 10, 30, 9, 0)
    found = occurrences("FREQ=DAILY", start=start, zone=NEW_YORK, times=3)
    assert [moment.hour for moment in found] == [13, 14, 14]  # 31 Oct, 1 Nov, 2 Nov in UTC
    assert {moment.astimezone(NEW_YORK).hour for moment in found} == {9}


def test_sydney_changes_the_other_way_in_april():
    # Sydney leaves daylight saving (+11:00 -> +10:00) on Sunday 5 April 2026.
    start = datetime(2026, 4, 3, 8, 30)
    found = occurrences("FREQ=DAILY;INTERVAL=2", start=start, zone=SYDNEY, times=2)
    assert [moment.astimezone(SYDNEY) for moment in found] == [
        datetime(2026, 4, 5, 8, 30, tzinfo=SYDNEY), datetime(2026, 4, 7, 8, 30, tzinfo=SYDNEY)
    ]  # fmt: skip
    # 3 April 08:30 is +11:00, 5 April 08:30 is +10:00: two days and an hour apart.
    assert found[0] - rules.placed(start, SYDNEY) == timedelta(days=2, hours=1)


def test_a_time_that_does_not_exist_moves_past_the_gap():
    # 02:30 on 29 March 2026 never happens in Berlin; it is read as 03:30 summer time.
    moment = rules.placed(datetime(2026, 3, 29, 2, 30), BERLIN)
    assert moment == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_monthly_on_the_last_day_and_on_the_31st():
    start = datetime(2027, 1, 31, 17, 0)
    last = occurrences("FREQ=MONTHLY;BYMONTHDAY=-1", start=start, zone=BERLIN, times=2)
    assert [moment.astimezone(BERLIN).day for moment in last] == [28, 31]
    # The 31st skips the months without one, as RFC 5545 and calendar apps do.
    thirty_first = occurrences("FREQ=MONTHLY;BYMONTHDAY=31", start=start, zone=BERLIN, times=1)
    assert thirty_first[0].astimezone(BERLIN).month == 3


def test_a_weekly_rule_without_days_repeats_on_the_start_weekday():
    rule = rules.parse("FREQ=WEEKLY;INTERVAL=2").completed_for(datetime(2026, 12, 4, 9))
    assert rule.text() == "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"
    assert rule.summary() == "Every 2 weeks on Fri"


@pytest.mark.parametrize(
    ("text", "canonical", "summary"),
    [
        ("FREQ=DAILY", "FREQ=DAILY", "Daily"),
        ("rrule:freq=daily;interval=3", "FREQ=DAILY;INTERVAL=3", "Every 3 days"),
        ("FREQ=WEEKLY;BYDAY=WE,MO", "FREQ=WEEKLY;BYDAY=MO,WE", "Weekly on Mon, Wed"),
        ("FREQ=MONTHLY;BYMONTHDAY=15;COUNT=6", "FREQ=MONTHLY;BYMONTHDAY=15;COUNT=6",
         "Monthly on day 15, 6 times"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=MONTHLY;BYMONTHDAY=-1", "Monthly on the last day"),
        ("FREQ=YEARLY;UNTIL=20301231", "FREQ=YEARLY;UNTIL=20301231", "Yearly, until 31 Dec 2030"),
        ("FREQ=WEEKLY;INTERVAL=1;BYDAY=FR;", "FREQ=WEEKLY;BYDAY=FR", "Weekly on Fri"),
    ],
)  # fmt: skip
def test_rules_read_back_in_one_spelling_and_in_words(text, canonical, summary):
    rule = rules.parse(text)
    assert rule.text() == canonical
    assert rule.summary() == summary


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("FREQ=HOURLY", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL must be a whole number from 1 to 365"),
        ("FREQ=DAILY;INTERVAL=366", "from 1 to 365"),
        ("FREQ=DAILY;BYDAY=MO", "BYDAY (days of the week) goes with FREQ=WEEKLY only"),
        ("FREQ=WEEKLY;BYDAY=1MO", "not 1MO"),
        ("FREQ=WEEKLY;BYMONTHDAY=3", "goes with FREQ=MONTHLY only"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "1 to 31, or -1"),
        ("FREQ=DAILY;COUNT=2;UNTIL=20300101", "COUNT or UNTIL, not both"),
        ("FREQ=DAILY;COUNT=1001", "from 1 to 1000"),
        ("FREQ=DAILY;UNTIL=tomorrow", "UNTIL must be a day"),
        ("FREQ=DAILY;BYHOUR=9", "BYHOUR is not supported here"),
        ("FREQ=DAILY;FREQ=DAILY", "FREQ appears twice"),
        ("DAILY", "is not NAME=VALUE"),
    ],
)
def test_rules_outside_the_subset_are_refused_saying_what_works(text, says):
    with pytest.raises(RuleError, match=None) as refused:
        rules.parse(text)
    assert says in str(refused.value)


def test_a_rule_ends_after_its_count():
    start = datetime(2026, 12, 7, 9)
    rule = rules.parse("FREQ=DAILY;COUNT=2")
    assert rules.next_after(rule, start=start, after=start) == datetime(2026, 12, 8, 9)
    assert rules.next_after(rule, start=start, after=datetime(2026, 12, 8, 9)) is None
    assert rules.last(rule, start=start) == datetime(2026, 12, 8, 9)
