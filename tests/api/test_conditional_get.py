"""If-None-Match on a task and on a project's task list: 304 while it is the same.

A task's ETag is its version (the one If-Match names); a page of a project's tasks has
an ETag digesting the page, so it changes with anything the page shows.
"""

from __future__ import annotations

from tests.factories import make_task


def test_a_task_read_again_with_its_etag_is_304_without_a_body(team, api_as):
    api = api_as(team.people["member"])
    first = api.get(f"/tasks/{team.task.id}")
    again = api.get(f"/tasks/{team.task.id}", headers={"If-None-Match": first.headers["ETag"]})
    assert (again.status_code, again.get_data(), again.headers["ETag"]) == (304, b"", '"1"')


def test_a_changed_task_is_sent_again_with_its_new_etag(team, api_as):
    api = api_as(team.people["member"])
    api.patch(f"/tasks/{team.task.id}", json={"title": "Changed"})
    response = api.get(f"/tasks/{team.task.id}", headers={"If-None-Match": '"1"'})
    assert response.status_code == 200 and response.headers["ETag"] == '"2"'
    assert response.get_json()["title"] == "Changed"


def test_a_weak_or_listed_etag_matches_too(team, api_as):
    api = api_as(team.people["member"])
    for header in ('W/"1"', '"7", "1"', "*"):
        response = api.get(f"/tasks/{team.task.id}", headers={"If-None-Match": header})
        assert response.status_code == 304, header


def test_a_foreign_task_is_404_whatever_the_etag(team, other_team, api_as):
    api = api_as(team.people["member"])
    response = api.get(f"/tasks/{other_team.task.id}", headers={"If-None-Match": "*"})
    assert response.status_code == 404


def test_a_project_page_read_again_is_304(team, api_as):
    api = api_as(team.people["member"])
    path = f"/projects/{team.project.id}/tasks?per_page=10"
    first = api.get(path)
    assert first.status_code == 200 and first.headers["ETag"].startswith('"')
    again = api.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert (again.status_code, again.get_data()) == (304, b"")


def test_a_new_task_or_comment_changes_the_project_pages_etag(app, team, api_as):
    api = api_as(team.people["member"])
    path = f"/projects/{team.project.id}/tasks"
    etag = api.get(path).headers["ETag"]
    make_task(app, team.project, team.people["owner"], title="Another")
    after_task = api.get(path, headers={"If-None-Match": etag})
    assert after_task.status_code == 200 and after_task.get_json()["total"] == 2
    etag = after_task.headers["ETag"]
    api.post(f"/tasks/{team.task.id}/comments", json={"body": "Counted on the page"})
    after_comment = api.get(path, headers={"If-None-Match": etag})
    assert after_comment.status_code == 200 and after_comment.headers["ETag"] != etag


def test_another_page_or_filter_has_another_etag(app, team, api_as):
    api = api_as(team.people["member"])
    make_task(app, team.project, team.people["owner"], title="Another", status="done")
    base = f"/projects/{team.project.id}/tasks"
    tags = {
        api.get(f"{base}{query}").headers["ETag"] for query in ("", "?status=done", "?per_page=1")
    }
    assert len(tags) == 3


def test_the_history_keeps_the_stored_values(team, api_as):
    api = api_as(team.people["member"])
    api.patch(f"/tasks/{team.task.id}", json={"status": "done"})
    events = api.get(f"/tasks/{team.task.id}/activity").get_json()
    assert events["items"][0]["changes"]["status"] == ["todo", "done"]
