"""Recurrence through the API: PUT a rule, read it in the task, stop it; bad input refused."""

from datetime import UTC
from datetime import datetime

import pytest

from taskmanager.policy import POLICY
from taskmanager.policy import Action
from taskmanager.policy import Role
from tests.factories import make_task


def test_put_shows_the_rule_in_the_task_and_delete_stops_it(app, team, api_as):
    made = make_task(
        app, team.project, team.people["owner"], title="Pay rent",
        due_at=datetime(2026, 12, 1, 8, tzinfo=UTC),
    )  # fmt: skip
    api = api_as(team.people["member"])
    put = api.request(
        "PUT", f"/tasks/{made.id}/recurrence",
        json={"rule": "freq=monthly", "timezone": "Europe/Berlin"},
    )  # fmt: skip
    assert put.status_code == 200, put.json
    assert put.json["recurrence"] == {
        "rule": "FREQ=MONTHLY;BYMONTHDAY=1", "timezone": "Europe/Berlin",
        "summary": "Monthly on day 1",
    }  # fmt: skip
    assert put.headers["ETag"] == f'"{put.json["version"]}"' and put.json["version"] == 2
    read = api.get(f"/tasks/{made.id}")
    assert read.json["recurrence"]["summary"] == "Monthly on day 1"
    listed = api.get(f"/projects/{team.project.id}/tasks").json["items"]
    assert {item["id"]: item["recurrence"] for item in listed}[made.id]["rule"] == (
        "FREQ=MONTHLY;BYMONTHDAY=1"
    )
    assert {item["id"]: item["recurrence"] for item in listed}[team.task.id] is None
    stale = api.request("DELETE", f"/tasks/{made.id}/recurrence", headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    stopped = api.delete(f"/tasks/{made.id}/recurrence")
    assert stopped.status_code == 200 and stopped.json["recurrence"] is None
    assert api.delete(f"/tasks/{made.id}/recurrence").status_code == 404


def test_the_zone_defaults_to_the_setter_s(app, team, api_as, make_user):
    api = api_as(team.people["owner"])
    api.patch("/me", json={"time_zone": "Australia/Sydney"})
    put = api.request("PUT", f"/tasks/{team.task.id}/recurrence", json={"rule": "FREQ=DAILY"})
    assert put.status_code == 200, put.json
    assert put.json["recurrence"]["timezone"] == "Australia/Sydney"
    assert put.json["due_at"] is not None  # the rule's first day, at the end of it


def test_bad_rules_and_zones_are_refused_saying_what_works(team, api_as):
    # 400: the body breaks the document; 422: it fits, and a rule the document cannot
    # state (the RRULE grammar, the zones this server knows) refuses it.
    api = api_as(team.people["member"])
    path = f"/tasks/{team.task.id}/recurrence"
    for body, status, field, words in [
        ({"rule": "FREQ=SECONDLY"}, 422, "rule", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"),
        ({"rule": "FREQ=DAILY;INTERVAL=9999"}, 422, "rule", "from 1 to 365"),
        ({"rule": "0"}, 422, "rule", "FREQ"),
        ({"rule": "FREQ=DAILY", "timezone": "Mars/Olympus"}, 422, "timezone", "IANA"),
        ({"rule": "FREQ=DAILY", "timezone": "not a zone!"}, 422, "timezone", "IANA"),
        ({"rule": "FREQ=DAILY", "until": "x"}, 400, "until", ""),
        ({"rule": ""}, 400, "rule", ""),
        ({"rule": "   "}, 400, "rule", ""),
    ]:
        refused = api.request("PUT", path, json=body)
        assert refused.status_code == status, (body, refused.json)
        assert refused.json["error"] == "validation_error"
        assert words in str(refused.json["details"][field]), refused.json
    assert api.get(f"/tasks/{team.task.id}").json["recurrence"] is None


def test_a_viewer_is_403_and_another_organization_404(team, api_as, other_team):
    path = f"/tasks/{team.task.id}/recurrence"
    viewer = api_as(team.people["viewer"])
    assert viewer.request("PUT", path, json={"rule": "FREQ=DAILY"}).status_code == 403
    stranger = api_as(other_team.owner)
    assert stranger.request("PUT", path, json={"rule": "FREQ=DAILY"}).status_code == 404
    assert stranger.delete(path).status_code == 404


def test_a_done_task_is_409(app, team, api_as):
    api = api_as(team.people["member"])
    api.patch(f"/tasks/{team.task.id}", json={"status": "done"})
    refused = api.request("PUT", f"/tasks/{team.task.id}/recurrence", json={"rule": "FREQ=DAILY"})
    assert refused.status_code == 409 and "reopen it" in refused.json["message"]


@pytest.mark.parametrize("role", list(Role))
def test_role_matrix(team, api_as, role):
    """Each role by each recurrence write, expected answers from policy.POLICY."""
    api = api_as(team.people[role.value])
    allowed = Action.WRITE_TASKS in POLICY[role]
    put = api.request("PUT", f"/tasks/{team.task.id}/recurrence", json={"rule": "FREQ=DAILY"})
    assert put.status_code == (200 if allowed else 403), put.json
    stop = api.delete(f"/tasks/{team.task.id}/recurrence")
    assert stop.status_code == (200 if allowed else 403), stop.json


def test_a_repeating_task_reads_in_the_same_statements_as_any_other(app, team, api_as):
    from tests.api.test_statement_counts import statements
    from tests.support.repeating import repeat

    plain = make_task(app, team.project, team.people["owner"], title="Plain")
    repeating = make_task(app, team.project, team.people["owner"], title="Repeating")
    repeat(app, team.org, team.people["owner"], repeating.id, "FREQ=DAILY", "UTC")
    api = api_as(team.people["member"])
    one = {task.id: statements(app, api, "GET", f"/tasks/{task.id}") for task in (plain, repeating)}
    assert one[plain.id] == one[repeating.id] <= 4, one
    patch = {
        task.id: statements(app, api, "PATCH", f"/tasks/{task.id}", json={"priority": "high"})
        for task in (plain, repeating)
    }
    assert patch[plain.id] == patch[repeating.id], patch
