"""Conventions: mass assignment refused, If-Match, pages and Link, the one error shape."""

import pytest
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.accounts.models import User
from taskmanager.extensions import db
from taskmanager.notifications.models import Notification
from taskmanager.tasks.models import Task

SMUGGLED = [
    {"organization_id": 999},
    {"role": "owner"},
    {"is_staff": True},
    {"created_by": 1},
    {"created_by_id": 1},
    {"version": 99},
]


@pytest.mark.parametrize("extra", SMUGGLED)
def test_smuggled_fields_in_a_task_update_are_refused_and_change_nothing(app, team, api_as, extra):
    api = api_as(team.people["member"])
    response = api.patch(f"/tasks/{team.task.id}", json={"title": "Changed", **extra})
    assert response.status_code == 400
    with app.app_context(), tenancy.system():
        task = db.session.get(Task, team.task.id)
        assert (task.title, task.version, task.organization_id) == (
            "Write the launch post", 1, team.org.id,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/projects/{project}/tasks", {"title": "T", "organization_id": 999}),
        ("POST", "/orgs", {"name": "N", "plan": "pro"}),
        ("POST", "/orgs/{org}/projects", {"name": "P", "organization_id": 999}),
        ("PATCH", "/me", {"is_staff": True}),
        ("PATCH", "/orgs/{org}/members/{viewer}", {"role": "viewer", "organization_id": 999}),
    ],
)
def test_smuggled_fields_elsewhere_are_refused(app, team, api_as, method, path, body):
    api = api_as(team.people["owner"])
    url = path.format(project=team.project.id, org=team.org.id, viewer=team.people["viewer"].id)
    assert api.request(method, url, json=body).status_code == 400
    with app.app_context():
        assert db.session.get(User, team.people["owner"].id).is_staff is False


def test_a_stale_if_match_is_412_and_changes_nothing(app, team, api_as):
    api = api_as(team.people["member"])
    read = api.get(f"/tasks/{team.task.id}")
    etag = read.headers["ETag"]
    first = api.patch(f"/tasks/{team.task.id}", json={"title": "Mine"}, headers={"If-Match": etag})
    assert first.status_code == 200
    assert first.headers["ETag"] != etag

    second = api.patch(
        f"/tasks/{team.task.id}", json={"title": "Theirs"}, headers={"If-Match": etag}
    )

    assert second.status_code == 412
    assert second.json["error"] == "precondition_failed"
    assert api.get(f"/tasks/{team.task.id}").json["title"] == "Mine"


def test_a_stale_if_match_on_delete_is_412(team, api_as):
    api = api_as(team.people["owner"])
    api.patch(f"/tasks/{team.task.id}", json={"title": "Changed"})
    response = api.delete(f"/tasks/{team.task.id}", headers={"If-Match": '"1"'})
    assert response.status_code == 412
    assert api.get(f"/tasks/{team.task.id}").status_code == 200


def test_moving_on_the_board_is_status_and_position(team, api_as):
    api = api_as(team.people["member"])
    moved = api.patch(f"/tasks/{team.task.id}", json={"status": "in_progress", "position": 0})
    assert (moved.json["status"], moved.json["position"]) == ("in_progress", 0)


def test_creating_answers_201_with_location_and_etag(team, api_as):
    api = api_as(team.people["member"])
    response = api.post(f"/projects/{team.project.id}/tasks", json={"title": "New"})
    assert response.status_code == 201
    assert response.headers["Location"] == f"/api/v1/tasks/{response.json['id']}"
    assert response.headers["ETag"] == '"1"'
    assert api.get(response.headers["Location"].removeprefix("/api/v1")).status_code == 200


def test_a_created_task_answers_as_it_reads_back(app, team, api_as):
    # The answer is made from what was written (tasks/inserting.py), not reloaded:
    # it must say what a read of the task says, labels, assignee and followers too.
    api = api_as(team.people["member"])
    assignee = team.people["admin"]
    body = {
        "title": "Full", "description": "All of it", "status": "done", "priority": "urgent",
        "due_at": "2031-05-01T09:30:00Z", "assignee_id": assignee.id,
        "label_ids": [team.label.id],
    }  # fmt: skip
    created = api.post(f"/projects/{team.project.id}/tasks", json=body)
    assert created.status_code == 201
    read = api.get(f"/tasks/{created.json['id']}")
    assert created.json == read.json
    assert created.headers["ETag"] == read.headers["ETag"] == '"1"'
    assert (read.json["watching"], read.json["watcher_count"]) == (True, 2)
    assert read.json["position"] == 0  # the first card of the done column
    history = api.get(f"/tasks/{created.json['id']}/activity").json
    assert [entry["verb"] for entry in history["items"]] == ["task.created"]
    with app.app_context(), tenancy.system():
        told = db.session.scalars(
            select(Notification.user_id).where(Notification.task_id == created.json["id"])
        ).all()
    assert told == [assignee.id]


def test_a_task_created_with_a_position_lands_there(team, api_as):
    # The document offers `position` on create as on update: an index in the column.
    api = api_as(team.people["member"])
    path = f"/projects/{team.project.id}/tasks"
    for title in ("One", "Two", "Three"):
        assert api.post(path, json={"title": title}).status_code == 201
    column = f"{path}?status=todo&sort=position"
    before = [item["title"] for item in api.get(column).json["items"]]

    second = api.post(path, json={"title": "Second", "position": 1})
    first = api.post(path, json={"title": "First", "position": 0})

    assert second.status_code == first.status_code == 201
    titles = [item["title"] for item in api.get(column).json["items"]]
    assert titles == ["First", before[0], "Second", *before[1:]]
    assert api.get(f"/tasks/{first.json['id']}").json == first.json


def test_the_one_statement_create_writes_every_column_of_a_task():
    # tasks/inserting.py names the columns it writes; a column added to Task and not
    # to COLUMNS would be NULL on that path (and unloaded on the answer).
    from taskmanager.tasks.inserting import COLUMNS

    assert set(COLUMNS) | {"id", "position"} == set(Task.__table__.c.keys())


def test_a_task_embeds_what_a_list_needs(team, api_as):
    api = api_as(team.people["member"])
    api.patch(
        f"/tasks/{team.task.id}",
        json={"assignee_id": team.people["member"].id, "label_ids": [team.label.id]},
    )
    api.post(f"/tasks/{team.task.id}/comments", json={"body": "On it"})
    task = api.get(f"/tasks/{team.task.id}").json
    assert task["assignee"] == {"id": team.people["member"].id, "name": "Member Person"}
    assert task["project"] == {"id": team.project.id, "name": team.project.name}
    assert [label["name"] for label in task["labels"]] == ["bug"]
    assert task["comment_count"] == 1


def test_pages_carry_totals_and_link_headers(team, api_as):
    api = api_as(team.people["member"])
    for n in range(4):
        api.post(f"/projects/{team.project.id}/tasks", json={"title": f"T{n}"})
    first = api.get("/tasks?per_page=2&sort=-created_at")
    assert {k: first.json[k] for k in ("total", "page", "per_page", "pages")} == {
        "total": 5, "page": 1, "per_page": 2, "pages": 3,
    }  # fmt: skip
    assert 'rel="next"' in first.headers["Link"] and "page=2" in first.headers["Link"]
    assert api.get("/tasks?per_page=101").status_code == 400


def test_filters_narrow_the_list(team, api_as):
    api = api_as(team.people["member"])
    api.post(
        f"/projects/{team.project.id}/tasks",
        json={"title": "Mine", "assignee_id": team.people["member"].id},
    )
    mine = api.get("/tasks?assignee=me").json["items"]
    assert [t["title"] for t in mine] == ["Mine"]
    assert api.get("/tasks?status=done").json["total"] == 0
    assert api.get("/tasks?status=nonsense").status_code == 400


def test_malformed_json_is_invalid_json(team, api_as):
    api = api_as(team.people["member"])
    response = api.request(
        "PATCH", f"/tasks/{team.task.id}", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json["error"] == "invalid_json"


def test_another_content_type_is_415(team, api_as):
    api = api_as(team.people["member"])
    response = api.request("PATCH", f"/tasks/{team.task.id}", data="title=x")
    assert response.status_code == 415
    assert response.json["error"] == "unsupported_media_type"


def test_a_json_array_body_is_a_validation_error(team, api_as):
    api = api_as(team.people["member"])
    response = api.request("PATCH", f"/tasks/{team.task.id}", json=["title"])
    assert response.status_code == 400
    assert response.json["error"] == "validation_error"


def test_unknown_paths_and_methods_answer_in_the_error_shape(api_as, user):
    api = api_as(user)
    missing = api.get("/nowhere")
    assert (missing.status_code, missing.json["error"]) == (404, "not_found")
    wrong = api.request("PUT", "/me")
    assert (wrong.status_code, wrong.json["error"]) == (405, "method_not_allowed")
    assert "GET" in wrong.headers["Allow"]


def test_the_openapi_document_describes_the_operations(client):
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/tasks/{task_id}" in spec["paths"]
    assert spec["components"]["securitySchemes"]["BearerAuth"]["scheme"] == "bearer"
    patch = spec["paths"]["/api/v1/tasks/{task_id}"]["patch"]
    assert {"400", "401", "404", "412"} <= set(patch["responses"])
