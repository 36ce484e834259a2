import re
from datetime import UTC
from datetime import datetime

from icalendar import Calendar

from tests.conftest import post
from tests.factories import make_task


def feed_path(client):
    post(client, "/account/calendar")
    page = client.get("/account/settings").get_data(as_text=True)
    return re.search(r"/calendar/[\w-]+\.ics", page).group(0)


def test_the_feed_lists_my_due_tasks_for_calendar_apps(app, team, as_user):
    member = team.people["member"]
    due = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    make_task(
        app,
        team.project,
        team.people["owner"],
        title="Board meeting prep",
        assignee_id=member.id,
        due_at=due,
    )
    make_task(app, team.project, team.people["owner"], title="No date", assignee_id=member.id)
    make_task(app, team.project, team.people["owner"], title="Not mine", due_at=due)
    path = feed_path(as_user(member))

    response = app.test_client().get(path)  # calendar apps do not sign in
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = [c for c in calendar.walk("VEVENT")]
    assert [str(e["summary"]) for e in events] == ["Board meeting prep"]
    assert events[0].decoded("dtstart") == due


def test_revoking_or_replacing_the_link_stops_the_old_one(app, team, as_user):
    client = as_user(team.people["member"])
    old = feed_path(client)
    new = feed_path(client)
    assert app.test_client().get(old).status_code == 404
    assert app.test_client().get(new).status_code == 200
    post(client, "/account/calendar/revoke")
    assert app.test_client().get(new).status_code == 404
