"""The quick-add parser: tokens out of a line of text, relative days from a given today."""

from datetime import date

import pytest

from taskmanager.entry.parser import parse

FRIDAY = date(2026, 12, 4)  # a Friday
MONDAY = date(2026, 12, 7)


def test_the_example_from_the_issue():
    read = parse("Fix login !high #bug @ana tomorrow", today=FRIDAY)
    assert read.title == "Fix login"
    assert read.priority == "high"
    assert read.labels == ["bug"]
    assert read.assignee == "ana"
    assert read.due == date(2026, 12, 5)


@pytest.mark.parametrize(
    ("token", "priority"),
    [("!low", "low"), ("!normal", "normal"), ("!medium", "normal"), ("!high", "high"),
     ("!urgent", "urgent"), ("!HIGH", "high"), ("!Urgent", "urgent")],
)  # fmt: skip
def test_priorities_use_the_apps_names(token, priority):
    read = parse(f"Ship it {token}", today=FRIDAY)
    assert (read.title, read.priority) == ("Ship it", priority)


def test_an_unknown_priority_stays_in_the_title():
    read = parse("Wow !important thing", today=FRIDAY)
    assert (read.title, read.priority) == ("Wow !important thing", None)


def test_only_the_first_priority_counts_and_a_second_stays_visible():
    read = parse("Deploy !high !low", today=FRIDAY)
    assert (read.title, read.priority) == ("Deploy !low", "high")


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("today", FRIDAY),
        ("tomorrow", date(2026, 12, 5)),
        ("Tomorrow", date(2026, 12, 5)),
        ("monday", MONDAY),
        ("mon", MONDAY),
        ("thursday", date(2026, 12, 10)),
        ("friday", date(2026, 12, 11)),  # today is Friday: the next one, never today
        ("saturday", date(2026, 12, 5)),
        ("next week", MONDAY),
        ("next friday", date(2026, 12, 11)),
        ("next monday", MONDAY),
        ("in 3 days", date(2026, 12, 7)),
        ("in 1 day", date(2026, 12, 5)),
        ("in 2 weeks", date(2026, 12, 18)),
        ("2026-12-24", date(2026, 12, 24)),
        ("dec 24", date(2026, 12, 24)),
        ("Dec 24th", date(2026, 12, 24)),
        ("24 dec", date(2026, 12, 24)),
        ("december 24", date(2026, 12, 24)),
        ("dec 24 2027", date(2027, 12, 24)),
        ("24 december 2027", date(2027, 12, 24)),
        ("dec 4", FRIDAY),  # today still counts for a day of the month
        ("dec 3", date(2027, 12, 3)),  # passed: next year's
        ("jan 5", date(2027, 1, 5)),
        ("feb 29", date(2028, 2, 29)),  # the next year that has one
        ("sept 1", date(2027, 9, 1)),
    ],
)
def test_due_days(text, due):
    read = parse(f"Plan the party {text}", today=FRIDAY)
    assert (read.title, read.due) == ("Plan the party", due)


def test_a_day_anywhere_in_the_line():
    read = parse("tomorrow call the bank", today=FRIDAY)
    assert (read.title, read.due) == ("call the bank", date(2026, 12, 5))


def test_next_week_from_a_sunday_is_the_next_day():
    assert parse("x next week", today=date(2026, 12, 6)).due == MONDAY


def test_a_year_boundary():
    read = parse("Party tomorrow", today=date(2026, 12, 31))
    assert read.due == date(2027, 1, 1)


@pytest.mark.parametrize(
    "text",
    [
        "Fix the sun icon",  # short forms that are words are not days
        "We sat down",
        "wed the files",
        "feb 30 plan",  # no such day
        "2026-13-01 report",
        "in many days",
        "next time maybe",
        "may the force",
        "Finish today's report",
    ],
)
def test_words_that_only_look_like_days_stay_in_the_title(text):
    read = parse(text, today=FRIDAY)
    assert (read.title, read.due) == (text, None)


def test_only_the_first_day_counts():
    read = parse("Meet tomorrow not friday", today=FRIDAY)
    assert (read.title, read.due) == ("Meet not friday", date(2026, 12, 5))


def test_labels_in_order_without_duplicates():
    read = parse("Fix #bug #UI #Bug #needs-review", today=FRIDAY)
    assert read.labels == ["bug", "UI", "needs-review"]
    assert read.title == "Fix"


def test_a_number_after_hash_is_an_issue_reference_not_a_label():
    read = parse("Close #123 today", today=FRIDAY)
    assert (read.title, read.labels) == ("Close #123", [])


def test_a_lone_hash_or_at_stays():
    read = parse("C# and @ and ! alone", today=FRIDAY)
    assert (read.title, read.labels, read.assignee, read.priority) == (
        "C# and @ and ! alone",
        [],
        None,
        None,
    )


def test_the_first_person_is_the_assignee_a_second_stays_in_the_title():
    read = parse("Pair @ana @bob", today=FRIDAY)
    assert (read.title, read.assignee) == ("Pair @bob", "ana")


def test_an_email_like_person():
    assert parse("Ask @ana.lima@example.com", today=FRIDAY).assignee == "ana.lima@example.com"


def test_an_email_inside_a_word_is_not_a_person():
    read = parse("Mail bob@example.com", today=FRIDAY)
    assert (read.title, read.assignee) == ("Mail bob@example.com", None)


def test_only_tokens_leave_an_empty_title():
    assert parse("!high tomorrow #bug", today=FRIDAY).title == ""


def test_spaces_are_tidied():
    assert parse("  Fix    the   thing  ", today=FRIDAY).title == "Fix the thing"
