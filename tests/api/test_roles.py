"""R3 through the API: each role by each write, expected answers generated from policy.POLICY."""

import pytest

from taskmanager.policy import POLICY
from taskmanager.policy import Action
from taskmanager.policy import Role

# One API request per action: (method, path, body, status when allowed).
REQUESTS = {
    Action.VIEW: lambda t: ("GET", f"/tasks/{t.task.id}", None, 200),
    Action.WRITE_TASKS: lambda t: (
        "POST",
        f"/projects/{t.project.id}/tasks",
        {"title": "New"},
        201,
    ),
    # The team's task was created by the owner, so only "delete any" allows this.
    Action.DELETE_ANY_TASK: lambda t: ("DELETE", f"/tasks/{t.task.id}", None, 204),
    Action.MANAGE_PROJECTS: lambda t: ("POST", f"/orgs/{t.org.id}/projects", {"name": "New"}, 201),
    Action.MANAGE_LABELS: lambda t: ("POST", f"/orgs/{t.org.id}/labels", {"name": "new"}, 201),
    Action.MANAGE_MEMBERS: lambda t: (
        "POST",
        f"/orgs/{t.org.id}/invitations",
        {"email": "new@example.com", "role": "member"},
        201,
    ),
    Action.MANAGE_OWNERS: lambda t: (
        "PATCH",
        f"/orgs/{t.org.id}/members/{t.people['viewer'].id}",
        {"role": "owner"},
        200,
    ),
    Action.MANAGE_ORGANIZATION: lambda t: ("PATCH", f"/orgs/{t.org.id}", {"name": "Renamed"}, 200),
    Action.SHARE_VIEWS: lambda t: (
        "POST",
        f"/projects/{t.project.id}/views",
        {"name": "Ours", "shared": True},
        201,
    ),
    Action.MANAGE_WEBHOOKS: lambda t: (
        "POST",
        f"/orgs/{t.org.id}/webhooks",
        {"url": "https://hooks.example.com/in", "events": ["task.created"]},
        201,
    ),
    Action.EDIT_CHECKLISTS: lambda t: (
        "POST",
        f"/tasks/{t.task.id}/checklist",
        {"title": "A"},
        201,
    ),
}
# Billing is a page flow (Stripe Checkout and the Portal; the page matrix covers it);
# own-task deletion has its own test below; deleting others' attachments needs one
# uploaded first: its matrix, generated from the same table, is in
# tests/attachments/test_roles.py. Deleting others' shared views needs one saved by
# someone else first: tests/api/test_saved_views_api.py, from the same table. Linking
# tasks needs a second task: its matrix is in tests/dependencies/test_api.py.
ELSEWHERE = {
    Action.MANAGE_BILLING,
    Action.DELETE_OWN_TASK,
    Action.DELETE_ANY_ATTACHMENT,
    Action.MANAGE_SHARED_VIEWS,
    Action.LINK_TASKS,
}


def test_every_action_is_covered():
    assert set(Action) == set(REQUESTS) | ELSEWHERE


@pytest.mark.parametrize("action", list(REQUESTS))
@pytest.mark.parametrize("role", list(Role))
def test_role_matrix(team, api_as, role, action):
    method, path, body, allowed_status = REQUESTS[action](team)
    response = api_as(team.people[role.value]).request(method, path, json=body)
    expected = allowed_status if action in POLICY[role] else 403
    assert response.status_code == expected, response.get_json()


def test_a_member_deletes_their_own_task_but_not_anothers(team, api_as):
    api = api_as(team.people["member"])
    mine = api.post(f"/projects/{team.project.id}/tasks", json={"title": "Mine"}).json
    assert api.delete(f"/tasks/{team.task.id}").status_code == 403
    assert api.delete(f"/tasks/{mine['id']}").status_code == 204


def test_the_last_owner_cannot_be_demoted(team, api_as):
    api = api_as(team.people["owner"])
    response = api.patch(
        f"/orgs/{team.org.id}/members/{team.people['owner'].id}", json={"role": "admin"}
    )
    assert response.status_code == 409
    assert response.json["error"] == "conflict"
