"""Saved views through the API: CRUD, privacy, roles from the policy table, isolation."""

import pytest

from taskmanager.policy import POLICY
from taskmanager.policy import Action
from taskmanager.policy import Role
from tests.factories import make_task
from tests.support.content import make_view


def test_a_view_is_created_read_changed_and_deleted(team, api_as):
    api = api_as(team.people["member"])
    body = {"name": "Mine", "layout": "board", "filters": {"status": "todo", "q": "launch"}}
    created = api.post(f"/projects/{team.project.id}/views", json=body)
    assert created.status_code == 201, created.json
    view = created.json
    assert created.headers["Location"] == f"/api/v1/views/{view['id']}"
    assert view["filters"]["status"] == "todo" and view["filters"]["sort"] == "position"
    assert view["owner"]["id"] == team.people["member"].id and view["shared"] is False

    read = api.get(f"/views/{view['id']}")
    assert read.json == view and read.headers["ETag"] == '"1"'
    changed = api.patch(
        f"/views/{view['id']}", json={"name": "Ours", "shared": True}, headers={"If-Match": '"1"'}
    )
    assert changed.status_code == 200 and changed.json["version"] == 2
    stale = api.patch(f"/views/{view['id']}", json={"name": "x"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    listed = api.get(f"/projects/{team.project.id}/views").json["items"]
    assert [v["name"] for v in listed] == ["Ours"]
    assert api.delete(f"/views/{view['id']}").status_code == 204
    assert api.get(f"/views/{view['id']}").status_code == 404


def test_someone_elses_private_view_does_not_exist(app, team, api_as):
    view = make_view(app, team.project, team.people["member"], name="Private")
    owner = api_as(team.people["owner"])
    assert owner.get(f"/views/{view.id}").status_code == 404
    assert owner.delete(f"/views/{view.id}").status_code == 404
    assert owner.get(f"/projects/{team.project.id}/views").json["items"] == []


def test_only_the_owner_changes_a_shared_view(app, team, api_as):
    view = make_view(app, team.project, team.people["member"], name="Shared", shared=True)
    response = api_as(team.people["owner"]).patch(f"/views/{view.id}", json={"name": "Mine"})
    assert response.status_code == 403


@pytest.mark.parametrize("role", list(Role))
def test_deleting_someone_elses_shared_view_follows_the_policy_table(app, team, api_as, role):
    sharer = team.people["admin" if role == Role.OWNER else "owner"]
    view = make_view(app, team.project, sharer, shared=True)
    response = api_as(team.people[role.value]).delete(f"/views/{view.id}")
    assert response.status_code == (204 if Action.MANAGE_SHARED_VIEWS in POLICY[role] else 403)


@pytest.mark.parametrize(
    "filters",
    [{"status": "someday"}, {"assignee": "everyone"}, {"label": 0}, {"sort": "random"},
     {"blocked": "sometimes"}, {"due_before": "tomorrow"}, {"q": "x" * 201}],
)  # fmt: skip
def test_a_filter_outside_the_schema_is_refused(team, api_as, filters):
    api = api_as(team.people["member"])
    response = api.post(
        f"/projects/{team.project.id}/views", json={"name": "v", "filters": filters}
    )
    assert response.status_code == 400
    assert any(key.startswith("filters") for key in response.json["details"])


def test_another_organizations_views_are_404(app, team, other_team, api_as):
    theirs = make_view(app, other_team.project, other_team.owner, shared=True)
    api = api_as(team.people["owner"])
    assert api.get(f"/views/{theirs.id}").status_code == 404
    assert api.patch(f"/views/{theirs.id}", json={"name": "Pwned"}).status_code == 404
    assert api.delete(f"/views/{theirs.id}").status_code == 404
    assert api.get(f"/projects/{other_team.project.id}/views").status_code == 404
    response = api.post(f"/projects/{other_team.project.id}/views", json={"name": "Spy"})
    assert response.status_code == 404


def test_my_tasks_are_my_open_tasks_soonest_due_first(app, team, other_team, api_as):
    me = team.people["member"]
    make_task(app, team.project, me, title="Later", assignee_id=me.id, due_at="2031-01-02T00:00Z")
    make_task(app, team.project, me, title="Sooner", assignee_id=me.id, due_at="2030-01-02T00:00Z")
    make_task(app, team.project, me, title="Done", assignee_id=me.id, status="done")
    body = api_as(me).get("/my-tasks").json
    assert [t["title"] for t in body["items"]] == ["Sooner", "Later"]
    assert body["total"] == 2
