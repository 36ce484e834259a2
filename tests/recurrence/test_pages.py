"""Recurrence on the task page as plain forms (no JavaScript), the ↻ mark, the iCal feed."""

from datetime import UTC
from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil import rrule
from icalendar import Calendar

from tests.conftest import post
from tests.factories import make_task
from tests.notifications.test_calendar import feed_path
from tests.support.repeating import repeat

BERLIN = ZoneInfo("Europe/Berlin")


def url(team, task_id):
    return f"/o/{team.org.slug}/tasks/{task_id}"


def test_the_simple_form_makes_a_task_repeat_and_the_mark_shows_everywhere(app, team, as_user):
    client = as_user(team.people["member"])
    page = client.get(url(team, team.task.id)).get_data(as_text=True)
    assert "Make it repeat" in page and 'name="freq"' in page
    sent = {"freq": "WEEKLY", "interval": "1", "days": ["MO", "WE"], "timezone": "Europe/Berlin"}
    answer = post(client, f"{url(team, team.task.id)}/recurrence", sent)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("#repeat")
    page = client.get(url(team, team.task.id)).get_data(as_text=True)
    assert "Weekly on Mon, Wed" in page and "(Europe/Berlin time)" in page
    assert "Repeats: <span" in page and "Weekly on Mon, Wed</li>" in page.replace("\n", "")
    assert "When this one is done, the next is due" in page
    for view in ("/board", ""):
        shown = client.get(f"/o/{team.org.slug}/projects/{team.project.id}{view}")
        assert "data-repeats>↻" in shown.get_data(as_text=True), view


def test_an_unknown_zone_is_refused_on_the_page_as_in_the_api(app, team, as_user):
    client = as_user(team.people["member"])
    sent = {"freq": "DAILY", "interval": "1", "timezone": "Mars/Olympus"}
    answer = post(client, f"{url(team, team.task.id)}/recurrence", sent)
    assert answer.status_code == 422
    assert "Pick a time zone from the IANA list" in answer.get_data(as_text=True)


def test_a_refused_rule_shows_the_page_again_with_the_reason(app, team, as_user):
    client = as_user(team.people["member"])
    answer = post(
        client, f"{url(team, team.task.id)}/recurrence", {"freq": "DAILY", "interval": "0"}
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Repeat every 1 to 365 days" in page
    assert 'value="0"' in page  # as typed


def test_stop_repeating_from_the_page(app, team, as_user):
    repeat(app, team.org, team.people["owner"], team.task.id, "FREQ=DAILY", "UTC")
    client = as_user(team.people["member"])
    assert "Stop repeating" in client.get(url(team, team.task.id)).get_data(as_text=True)
    answer = post(client, f"{url(team, team.task.id)}/recurrence/stop")
    assert answer.status_code == 303
    page = client.get(url(team, team.task.id)).get_data(as_text=True)
    assert "This task does not repeat" in page and "Stop repeating" not in page


def test_a_viewer_sees_the_rule_but_no_form(app, team, as_user):
    repeat(app, team.org, team.people["owner"], team.task.id, "FREQ=DAILY", "UTC")
    client = as_user(team.people["viewer"])
    page = client.get(url(team, team.task.id)).get_data(as_text=True)
    assert "Daily" in page and "Make it repeat" not in page and "Stop repeating" not in page
    refused = post(client, f"{url(team, team.task.id)}/recurrence", {"freq": "DAILY"})
    assert refused.status_code == 403


def test_the_feed_gives_a_repeating_task_its_rule_in_its_zone(app, team, as_user):
    member = team.people["member"]
    made = make_task(
        app, team.project, team.people["owner"], title="Team sync", assignee_id=member.id,
        due_at=datetime(2026, 3, 23, 9, tzinfo=BERLIN),
    )  # fmt: skip
    repeat(app, team.org, member, made.id, "FREQ=WEEKLY;BYDAY=MO;COUNT=3", "Europe/Berlin")
    response = app.test_client().get(feed_path(as_user(member)))
    calendar = Calendar.from_ical(response.data)
    (event,) = [event for event in calendar.walk("VEVENT") if str(event["summary"]) == "Team sync"]
    assert "DTSTART;TZID=Europe/Berlin:20260323T090000" in response.get_data(as_text=True)
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert event["rrule"]["FREQ"] == ["WEEKLY"] and event["rrule"]["BYDAY"] == ["MO"]
    # As a calendar app expands it: three Mondays, 09:00 Berlin each, across the change.
    start = event.decoded("dtstart")
    expanded = list(rrule.rrulestr(event["rrule"].to_ical().decode(), dtstart=start))
    assert [moment.astimezone(UTC).hour for moment in expanded] == [8, 7, 7]
    assert {moment.astimezone(BERLIN).hour for moment in expanded} == {9}
