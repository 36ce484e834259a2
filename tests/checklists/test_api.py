"""Checklists through the API: add, read with progress, tick, move, convert, delete."""

import pytest

from tests.notifications.test_watchers import watcher_ids


def test_a_checklist_through_the_api(team, api_as):
    api = api_as(team.people["member"])
    base = f"/tasks/{team.task.id}/checklist"
    first = api.post(base, json={"title": "Outline", "assignee_id": team.people["admin"].id})
    assert first.status_code == 201, first.json
    assert first.headers["Location"].endswith(f"/api/v1/checklist-items/{first.json['id']}")
    assert first.json["assignee"]["name"] == "Admin Person"
    second = api.post(base, json={"title": "Proofread", "due_on": "2026-12-24"}).json
    ticked = api.patch(f"/checklist-items/{first.json['id']}", json={"done": True})
    assert ticked.status_code == 200 and ticked.json["done"] is True
    moved = api.patch(f"/checklist-items/{second['id']}", json={"position": 0}).json
    assert moved["position"] == 0
    checklist = api.get(base).json
    assert [item["title"] for item in checklist["items"]] == ["Proofread", "Outline"]
    assert (checklist["done"], checklist["total"]) == (1, 2)

    converted = api.post(f"/checklist-items/{second['id']}/convert")
    assert converted.status_code == 201, converted.json
    assert converted.json["title"] == "Proofread"
    assert converted.json["due_at"].startswith("2026-12-24")
    assert converted.headers["Location"].endswith(f"/api/v1/tasks/{converted.json['id']}")
    assert (
        api.get(f"/checklist-items/{second['id']}").json["converted_task_id"]
        == (converted.json["id"])
    )
    assert api.post(f"/checklist-items/{second['id']}/convert").status_code == 409

    assert api.delete(f"/checklist-items/{first.json['id']}").status_code == 204
    assert api.get(base).json["total"] == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": ""},
        {"title": "x" * 201},
        {"title": "ok", "done": "yes"},
        {"title": "ok", "due_on": "tomorrow"},
        {"title": "ok", "task_id": 1},
        {"title": "ok", "position": -1},
    ],
)
def test_bad_items_are_400_and_change_nothing(team, api_as, body):
    api = api_as(team.people["owner"])
    response = api.post(f"/tasks/{team.task.id}/checklist", json=body)
    assert response.status_code == 400, response.json
    assert api.get(f"/tasks/{team.task.id}/checklist").json["total"] == 0


def test_another_organizations_items_are_404(team, other_team, api_as):
    theirs = api_as(other_team.owner).post(
        f"/tasks/{other_team.task.id}/checklist", json={"title": "Secret step"}
    )
    api = api_as(team.people["owner"])
    item = theirs.json["id"]
    assert api.get(f"/checklist-items/{item}").status_code == 404
    assert api.patch(f"/checklist-items/{item}", json={"done": True}).status_code == 404
    assert api.post(f"/checklist-items/{item}/convert").status_code == 404
    assert api.delete(f"/checklist-items/{item}").status_code == 404
    assert api.get(f"/tasks/{other_team.task.id}/checklist").status_code == 404
    still = api_as(other_team.owner).get(f"/checklist-items/{item}").json
    assert still["done"] is False and still["converted_task_id"] is None


def test_a_task_made_from_a_checklist_item_is_followed_like_any_new_task(app, team, api_as):
    member, admin = team.people["member"], team.people["admin"]
    api = api_as(member)
    item = api.post(
        f"/tasks/{team.task.id}/checklist", json={"title": "Step", "assignee_id": admin.id}
    ).json
    made = api.post(f"/checklist-items/{item['id']}/convert")
    assert made.status_code == 201
    assert made.json["watching"] is True and made.json["watcher_count"] == 2
    assert watcher_ids(app, made.json["id"]) == sorted([member.id, admin.id])
