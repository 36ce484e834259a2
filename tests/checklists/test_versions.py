"""Checklist items carry a version: If-Match in the API, the edit form's hidden version."""

import re

from tests.conftest import post
from tests.support.breakdown import add_items


def item_path(item_id):
    return f"/checklist-items/{item_id}"


def test_an_item_answers_with_its_version_as_etag(app, team, api_as):
    api = api_as(team.people["member"])
    made = api.post(f"/tasks/{team.task.id}/checklist", json={"title": "Outline"})
    assert made.headers["ETag"] == '"1"' and made.json["version"] == 1
    read = api.get(item_path(made.json["id"]))
    assert read.headers["ETag"] == '"1"'
    ticked = api.patch(item_path(made.json["id"]), json={"done": True})
    assert ticked.headers["ETag"] == '"2"' and ticked.json["version"] == 2
    unchanged = api.patch(item_path(made.json["id"]), json={"done": True})
    assert unchanged.headers["ETag"] == '"2"'  # nothing changed, nothing bumped
    listed = api.get(f"/tasks/{team.task.id}/checklist").json["items"]
    assert [item["version"] for item in listed] == [2]


def test_a_stale_if_match_changes_nothing_and_answers_412(app, team, api_as):
    api = api_as(team.people["member"])
    made = api.post(f"/tasks/{team.task.id}/checklist", json={"title": "Outline"})
    etag = made.headers["ETag"]
    api_as(team.people["admin"]).patch(item_path(made.json["id"]), json={"title": "Outline it"})
    stale = api.patch(item_path(made.json["id"]), json={"done": True}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.json["details"]["current_version"] == 2
    gone = api.delete(item_path(made.json["id"]), headers={"If-Match": etag})
    assert gone.status_code == 412
    item = api.get(item_path(made.json["id"])).json
    assert (item["title"], item["done"]) == ("Outline it", False)

    fresh = api.get(item_path(made.json["id"])).headers["ETag"]
    ticked = api.patch(item_path(made.json["id"]), json={"done": True}, headers={"If-Match": fresh})
    assert ticked.status_code == 200 and ticked.json["done"] is True
    current = ticked.headers["ETag"]
    assert api.delete(item_path(made.json["id"]), headers={"If-Match": current}).status_code == 204


def test_an_if_match_that_cannot_be_an_etag_is_412(team, api_as):
    api = api_as(team.people["member"])
    made = api.post(f"/tasks/{team.task.id}/checklist", json={"title": "Outline"})
    refused = api.patch(
        item_path(made.json["id"]), json={"done": True}, headers={"If-Match": '"abc"'}
    )
    assert refused.status_code == 412 and 'like "3"' in refused.json["message"]


def test_moving_another_item_does_not_make_this_one_stale(app, team, api_as):
    first, second = add_items(app, team.org, team.people["owner"], team.task.id, "A", "B")
    api = api_as(team.people["member"])
    etag = api.get(item_path(first.id)).headers["ETag"]
    api.patch(item_path(second.id), json={"position": 0})  # renumbers the first one
    answer = api.patch(item_path(first.id), json={"done": True}, headers={"If-Match": etag})
    assert answer.status_code == 200 and answer.json["position"] == 1


def test_the_edit_form_refuses_a_stale_edit_and_says_why(app, team, as_user, api_as):
    (item,) = add_items(app, team.org, team.people["owner"], team.task.id, "Draft")
    client = as_user(team.people["member"])
    page = client.get(f"/o/{team.org.slug}/tasks/{team.task.id}").get_data(as_text=True)
    version = re.search(
        rf'action="/o/{team.org.slug}/checklist/{item.id}"[^>]*>.*?name="version" value="(\d+)"',
        page,
        re.S,
    ).group(1)
    api_as(team.people["admin"]).patch(item_path(item.id), json={"title": "Draft it"})
    answer = post(
        client, f"/o/{team.org.slug}/checklist/{item.id}",
        {"title": "My draft", "assignee_id": "", "due_on": "", "version": version},
    )  # fmt: skip
    assert answer.status_code == 422
    shown = answer.get_data(as_text=True)
    assert "Someone else changed this checklist item since you opened it." in shown
    assert 'name="version" value="2"' in shown  # sending it again applies the change
    again = post(
        client, f"/o/{team.org.slug}/checklist/{item.id}",
        {"title": "My draft", "assignee_id": "", "due_on": "", "version": "2"},
    )  # fmt: skip
    assert again.status_code == 303
    assert "My draft" in client.get(f"/o/{team.org.slug}/tasks/{team.task.id}").get_data(
        as_text=True
    )
