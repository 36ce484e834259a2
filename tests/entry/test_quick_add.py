"""Quick-add through the service, the page and the API: names found, days in the user's zone."""

from datetime import UTC
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from taskmanager import tenancy
from taskmanager.entry import services
from taskmanager.entry.schemas import QuickAddIn
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.orgs.services import member
from taskmanager.projects.models import Label
from taskmanager.projects.models import Project
from taskmanager.tasks.models import Task
from tests.conftest import post
from tests.factories import add_member

# 23:30 on Friday 4 December in UTC: already Saturday in Auckland, still Friday in LA.
NOW = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)


def quick(app, team, who, text, *, zone="UTC", now=NOW):
    with app.app_context(), tenancy.system():
        actor = member(team.org.id, team.people[who].id)
        actor.user.time_zone = zone
        project = db.session.get(Project, team.project.id)
        task = services.quick_add(actor=actor, project=project, data=QuickAddIn(text=text), now=now)
        return (
            task.id,
            task.title,
            task.priority,
            task.due_at,
            task.assignee_id,
            [label.name for label in task.labels],
        )


def test_every_token_lands_in_its_field(app, team):
    _, title, priority, due, assignee, labels = quick(
        app, team, "owner", "Fix login !urgent #bug @admin tomorrow"
    )
    assert (title, priority, labels) == ("Fix login", "urgent", ["bug"])
    assert assignee == team.people["admin"].id
    assert due == datetime(2026, 12, 5, 23, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "local_day"),
    [("UTC", 5), ("Pacific/Auckland", 6), ("America/Los_Angeles", 5), ("Asia/Kolkata", 6)],
)
def test_tomorrow_is_counted_where_the_user_is(app, team, zone, local_day):
    due = quick(app, team, "member", "Call back tomorrow", zone=zone)[3]
    local = due.astimezone(ZoneInfo(zone))
    assert (local.day, local.hour, local.minute) == (local_day, 23, 59)


def test_a_date_only_due_is_the_end_of_that_day_in_the_users_zone(app, team):
    due = quick(app, team, "member", "Ship 2026-12-24", zone="Europe/Berlin")[3]
    assert due == datetime(2026, 12, 24, 22, 59, tzinfo=UTC)


def test_a_person_by_email_prefix_and_by_me(app, team):
    admin = team.people["admin"]
    prefix = admin.email.split("@")[0]
    assert quick(app, team, "member", f"Review @{prefix}")[4] == admin.id
    assert quick(app, team, "member", "Mine @me")[4] == team.people["member"].id


def test_an_unknown_person_is_refused_by_name(app, team):
    with pytest.raises(ValidationFailed) as refused:
        quick(app, team, "member", "Review @nobodyhere")
    assert "nobodyhere" in refused.value.details["text"]


def test_an_ambiguous_person_names_the_candidates(app, team, make_user):
    for name in ("Ana Lima", "Anabel Ng"):
        add_member(app, team.org, make_user(name=name), "member")
    with pytest.raises(ValidationFailed) as refused:
        quick(app, team, "member", "Pair @an")
    assert "Ana Lima" in refused.value.details["text"]
    assert "Anabel Ng" in refused.value.details["text"]


def test_a_whole_first_name_wins_over_a_longer_one(app, team, make_user):
    ana = make_user(name="Ana Lima")
    add_member(app, team.org, ana, "member")
    add_member(app, team.org, make_user(name="Anastasia Ng"), "member")
    assert quick(app, team, "member", "Pair @ana")[4] == ana.id


def test_an_existing_label_is_found_whatever_its_case(app, team):
    assert quick(app, team, "member", "Fix it #BUG")[5] == ["bug"]


def test_a_member_is_told_a_label_does_not_exist(app, team):
    with pytest.raises(ValidationFailed) as refused:
        quick(app, team, "member", "Fix it #typo")
    assert "#typo" in refused.value.details["text"]
    with app.app_context(), tenancy.system():
        assert db.session.query(Label).filter_by(name="typo").count() == 0


def test_an_admin_creates_a_new_label_with_the_task(app, team):
    assert quick(app, team, "admin", "Draw it #design")[5] == ["design"]


def test_a_title_is_needed_besides_the_tokens(app, team):
    with pytest.raises(ValidationFailed) as refused:
        quick(app, team, "member", "!high tomorrow")
    assert "title" in str(refused.value.message).lower()


# The project page, without JavaScript.


def page_url(team, suffix=""):
    return f"/o/{team.org.slug}/projects/{team.project.id}{suffix}"


def test_the_project_page_offers_quick_add(team, as_user):
    page = as_user(team.people["member"]).get(page_url(team)).get_data(as_text=True)
    assert 'id="quick-add"' in page and 'name="text"' in page
    assert "!high" in page  # the tokens are explained


def test_a_viewer_has_no_quick_add(team, as_user):
    page = as_user(team.people["viewer"]).get(page_url(team)).get_data(as_text=True)
    assert 'id="quick-add"' not in page


def test_quick_add_on_the_page_redirects_with_what_it_understood(app, team, as_user):
    client = as_user(team.people["member"])
    response = post(client, page_url(team, "/tasks/quick"), {"text": "Write docs !high #bug"})
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "Task added: “Write docs”: high" in page and "#bug" in page
    with app.app_context(), tenancy.system():
        task = db.session.query(Task).filter_by(title="Write docs").one()
        assert task.priority == "high"


def test_a_refused_quick_add_keeps_the_text_and_says_why(team, as_user):
    client = as_user(team.people["member"])
    response = post(client, page_url(team, "/tasks/quick"), {"text": "Fix it @nobodyhere"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="Fix it @nobodyhere"' in page
    assert "The task was not added." in page and "nobodyhere" in page


def test_quick_add_with_htmx_answers_the_box_and_tells_the_list(team, as_user):
    client = as_user(team.people["member"])
    response = post(
        client, page_url(team, "/tasks/quick"), {"text": "Swap it"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 201
    assert response.headers["HX-Trigger"] == "tm:task-added"
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith("<form") and "Task added: “Swap it”" in body


def test_a_viewer_cannot_quick_add(team, as_user):
    response = post(as_user(team.people["viewer"]), page_url(team, "/tasks/quick"), {"text": "x"})
    assert response.status_code == 403


def test_quick_add_in_an_archived_project_is_refused(app, team, as_user):
    with app.app_context(), tenancy.system():
        db.session.get(Project, team.project.id).archived = True
        db.session.commit()
    response = post(as_user(team.people["owner"]), page_url(team, "/tasks/quick"), {"text": "x"})
    assert response.status_code == 422
    assert "archived" in response.get_data(as_text=True)


# The API.


def test_the_api_quick_adds_and_answers_the_task(app, team, api_as):
    api = api_as(team.people["owner"])
    response = api.post(
        f"/projects/{team.project.id}/tasks/quick",
        json={"text": "Fix login !high #bug @admin 2026-12-24"},
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["title"], body["priority"]) == ("Fix login", "high")
    assert body["assignee"]["id"] == team.people["admin"].id
    assert [label["name"] for label in body["labels"]] == ["bug"]
    assert body["due_at"] == "2026-12-24T23:59:00Z"
    assert response.headers["Location"] == f"/api/v1/tasks/{body['id']}"
    assert response.headers["ETag"] == '"1"'


def test_the_api_names_an_unknown_person(team, api_as):
    response = api_as(team.people["member"]).post(
        f"/projects/{team.project.id}/tasks/quick", json={"text": "x @nobodyhere"}
    )
    assert response.status_code == 422
    assert "nobodyhere" in response.json["details"]["text"]


def test_the_api_refuses_a_viewer_and_a_foreign_project(team, api_as, other_team):
    api = api_as(team.people["viewer"])
    assert (
        api.post(f"/projects/{team.project.id}/tasks/quick", json={"text": "x"}).status_code == 403
    )
    owner = api_as(team.people["owner"])
    foreign = owner.post(f"/projects/{other_team.project.id}/tasks/quick", json={"text": "x"})
    assert foreign.status_code == 404


@pytest.mark.parametrize(
    "body", [{}, {"text": ""}, {"text": "x" * 501}, {"text": "x", "title": "y"}]
)
def test_the_api_refuses_bad_bodies(team, api_as, body):
    response = api_as(team.people["member"]).post(
        f"/projects/{team.project.id}/tasks/quick", json=body
    )
    assert response.status_code == 400
