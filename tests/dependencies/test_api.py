"""Dependencies through the API: link, read both ways, loops refused, roles from the policy."""

import pytest

from taskmanager.policy import POLICY
from taskmanager.policy import Action
from taskmanager.policy import Role
from tests.factories import make_project
from tests.factories import make_task


@pytest.fixture
def tasks_(app, team):
    owner = team.people["owner"]
    design = make_task(app, team.project, owner, title="Design")
    launch = make_task(app, make_project(app, team.org, name="Marketing"), owner, title="Launch")
    return design, launch


def test_link_read_and_unlink(team, api_as, tasks_):
    design, launch = tasks_
    api = api_as(team.people["member"])
    made = api.post(f"/tasks/{launch.id}/dependencies", json={"blocked_by": design.id})
    assert made.status_code == 201, made.json
    assert made.headers["Location"].endswith(f"/api/v1/dependencies/{made.json['id']}")
    assert made.json["blocker"]["title"] == "Design"
    assert made.json["blocked"]["project"]["name"] == "Marketing"
    both = api.get(f"/tasks/{launch.id}/dependencies").json
    assert both["blocked"] is True
    assert [link["blocker"]["id"] for link in both["blocked_by"]] == [design.id]
    assert api.get(f"/tasks/{design.id}/dependencies").json["blocks"][0]["blocked"]["id"] == (
        launch.id
    )
    assert api.get(f"/dependencies/{made.json['id']}").status_code == 200
    api.patch(f"/tasks/{design.id}", json={"status": "done"})
    assert api.get(f"/tasks/{launch.id}/dependencies").json["blocked"] is False
    assert api.delete(f"/dependencies/{made.json['id']}").status_code == 204
    assert api.get(f"/tasks/{launch.id}/dependencies").json["blocked_by"] == []


def test_a_loop_is_409_naming_it(team, api_as, tasks_):
    design, launch = tasks_
    api = api_as(team.people["owner"])
    assert api.post(f"/tasks/{design.id}/dependencies", json={"blocks": launch.id}).status_code == (
        201
    )
    refused = api.post(f"/tasks/{design.id}/dependencies", json={"blocked_by": launch.id})
    assert refused.status_code == 409
    assert refused.json["error"] == "conflict"
    assert "“Launch” blocks “Design” blocks “Launch”" in refused.json["message"]
    assert refused.json["details"]["loop"] == [launch.id, design.id, launch.id]


@pytest.mark.parametrize(
    "body",
    [{}, {"blocked_by": 1, "blocks": 2}, {"blocked_by": "1"}, {"blocked_by": 0}, {"task": 1}],
)
def test_bad_bodies_are_400(team, api_as, body):
    response = api_as(team.people["owner"]).post(f"/tasks/{team.task.id}/dependencies", json=body)
    assert response.status_code == 400, response.json
    assert response.json["error"] == "validation_error"


def test_a_task_linked_to_itself_is_422(team, api_as):
    api = api_as(team.people["owner"])
    response = api.post(f"/tasks/{team.task.id}/dependencies", json={"blocks": team.task.id})
    assert response.status_code == 422


def test_another_organizations_task_is_404(team, other_team, api_as):
    api = api_as(team.people["owner"])
    response = api.post(
        f"/tasks/{team.task.id}/dependencies", json={"blocked_by": other_team.task.id}
    )
    assert response.status_code == 404
    assert api.get(f"/tasks/{team.task.id}/dependencies").json["blocked_by"] == []


@pytest.mark.parametrize("role", list(Role))
def test_who_may_link_follows_the_policy_table(team, api_as, tasks_, role):
    design, launch = tasks_
    api = api_as(team.people[role.value])
    response = api.post(f"/tasks/{launch.id}/dependencies", json={"blocked_by": design.id})
    assert response.status_code == (201 if Action.LINK_TASKS in POLICY[role] else 403)
    link = api_as(team.people["owner"]).get(f"/tasks/{launch.id}/dependencies").json["blocked_by"]
    if not link:
        link = [
            api_as(team.people["owner"])
            .post(f"/tasks/{launch.id}/dependencies", json={"blocked_by": design.id})
            .json
        ]
    removed = api.delete(f"/dependencies/{link[0]['id']}")
    assert removed.status_code == (204 if Action.LINK_TASKS in POLICY[role] else 403)
