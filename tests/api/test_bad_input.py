"""Bad input is a 4xx in the error shape, never a 500: each case here was a fuzzer find.

PostgreSQL refuses what Python happily carries (NUL in text, numbers past ``integer``),
Pydantic's lax mode reads "5", true or 0.5 as numbers and dates, and the OpenAPI
document must declare what the server really answers.
"""

import pytest

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.projects.models import Label
from taskmanager.tasks.models import Task

PAST_INTEGER = 2**31  # one more than PostgreSQL's integer holds


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/tasks/{n}"),
        ("GET", "/projects/{n}"),
        ("GET", "/orgs/{n}"),
        ("PATCH", "/labels/{n}"),
        ("DELETE", "/tokens/{n}"),
        ("DELETE", "/orgs/{org}/members/{n}"),
        ("PATCH", "/orgs/{org}/members/{n}"),
        ("DELETE", "/orgs/{org}/invitations/{n}"),
    ],
)
def test_an_id_past_postgresql_integer_in_a_path_is_404(team, api_as, method, path):
    api = api_as(team.people["owner"])
    body = {"name": "x", "role": "member"} if method == "PATCH" else None

    response = api.request(method, path.format(n=PAST_INTEGER, org=team.org.id), json=body)

    assert response.status_code == 404
    assert response.json["error"] == "not_found"


@pytest.mark.parametrize(
    "query",
    [
        f"label={PAST_INTEGER}",
        f"org_id={PAST_INTEGER}",
        f"project_id={PAST_INTEGER}",
        f"assignee={PAST_INTEGER}",
    ],
)
def test_an_id_past_postgresql_integer_in_a_filter_is_400(team, api_as, query):
    api = api_as(team.people["owner"])
    for path in ("/tasks", f"/projects/{team.project.id}/tasks"):
        if query.startswith(("org_id", "project_id")) and path != "/tasks":
            continue
        response = api.get(f"{path}?{query}")
        assert response.status_code == 400
        assert query.split("=")[0] in response.json["details"]


@pytest.mark.parametrize(
    "fields",
    [{"assignee_id": PAST_INTEGER}, {"label_ids": [PAST_INTEGER]}],
)
def test_an_id_past_postgresql_integer_in_a_task_body_is_400(team, api_as, fields):
    api = api_as(team.people["owner"])
    created = api.post(f"/projects/{team.project.id}/tasks", json={"title": "T", **fields})
    updated = api.patch(f"/tasks/{team.task.id}", json=fields)
    assert (created.status_code, updated.status_code) == (400, 400)


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/orgs", {"name": "A\x00B"}, "name"),
        ("POST", "/orgs/{org}/projects", {"name": "A\x00B"}, "name"),
        ("POST", "/orgs/{org}/labels", {"name": "A\x00B"}, "name"),
        ("POST", "/projects/{project}/tasks", {"title": "A\x00B"}, "title"),
        ("PATCH", "/tasks/{task}", {"description": "A\x00B"}, "description"),
        ("POST", "/tasks/{task}/comments", {"body": "A\x00B"}, "body"),
        ("PATCH", "/me", {"name": "A\x00B"}, "name"),
        ("POST", "/tokens", {"name": "A\x00B"}, "name"),
        ("POST", "/orgs/{org}/invitations", {"email": "a\x00@example.com"}, "email"),
    ],
)
def test_nul_in_a_body_string_is_400_naming_the_field(team, api_as, method, path, body, field):
    api = api_as(team.people["owner"])
    url = path.format(org=team.org.id, project=team.project.id, task=team.task.id)

    response = api.request(method, url, json=body)

    assert response.status_code == 400
    assert response.json["error"] == "validation_error"
    assert field in response.json["details"]


def test_nul_in_a_query_string_is_400(team, api_as):
    response = api_as(team.people["owner"]).get("/tasks?q=launch%00post")
    assert response.status_code == 400
    assert "q" in response.json["details"]


def test_nul_in_sign_in_fields_is_400(anonymous):
    response = anonymous.post("/auth/tokens", json={"email": "a\x00@example.com", "password": "x"})
    assert response.status_code == 400


@pytest.mark.parametrize("email", ["not an address", "x", "@", "a@b@c"])
def test_signing_in_with_something_that_is_no_email_is_the_usual_401(anonymous, email):
    response = anonymous.post("/auth/tokens", json={"email": email, "password": "wrong password"})
    assert response.status_code == 401
    assert response.json["message"] == "The email or password is not right."


def test_renaming_a_label_to_a_taken_name_is_409_and_changes_nothing(app, team, api_as):
    api = api_as(team.people["owner"])
    other = api.post(f"/orgs/{team.org.id}/labels", json={"name": "urgent"}).json

    response = api.patch(f"/labels/{team.label.id}", json={"name": "URGENT"})

    assert response.status_code == 409
    assert response.json["error"] == "conflict"
    with app.app_context(), tenancy.system():
        assert db.session.get(Label, team.label.id).name == team.label.name
    assert api.patch(f"/labels/{other['id']}", json={"name": "Urgent"}).status_code == 200
    spec = api.client.get("/api/v1/openapi.json").json
    assert "409" in spec["paths"]["/api/v1/labels/{label_id}"]["patch"]["responses"]


@pytest.mark.parametrize(
    "make_fields",
    [
        lambda team: {"position": "3"},
        lambda team: {"position": True},
        lambda team: {"assignee_id": str(team.people["member"].id)},
        lambda team: {"label_ids": [str(team.label.id)]},
        lambda team: {"due_at": 1767225600},
        lambda team: {"due_at": "1767225600"},
    ],
)
def test_numbers_and_dates_of_the_wrong_json_type_are_400_and_change_nothing(
    app, team, api_as, make_fields
):
    api = api_as(team.people["owner"])
    fields = make_fields(team)

    response = api.patch(f"/tasks/{team.task.id}", json=fields)

    assert response.status_code == 400
    field = next(iter(fields))
    assert any(name.startswith(field) for name in response.json["details"])
    with app.app_context(), tenancy.system():
        assert db.session.get(Task, team.task.id).version == 1


def test_a_whole_number_written_with_a_fraction_is_still_an_integer(team, api_as):
    api = api_as(team.people["owner"])
    response = api.patch(f"/tasks/{team.task.id}", json={"label_ids": [float(team.label.id)]})
    assert response.status_code == 200
    assert [label["id"] for label in response.json["labels"]] == [team.label.id]


def test_a_boolean_field_takes_only_json_booleans(team, api_as):
    api = api_as(team.people["owner"])
    response = api.patch(f"/projects/{team.project.id}", json={"archived": "yes"})
    assert response.status_code == 400
    assert "archived" in response.json["details"]


@pytest.mark.parametrize(
    "query",
    [
        "due_before=0.5",
        "due_after=1767225600",
        "due_before=0001-01-01T00:00:00%2B14:00",
        "due_after=9999-12-31T23:59:59-14:00",
    ],
)
def test_a_date_filter_must_be_an_iso_date_that_utc_can_hold(team, api_as, query):
    response = api_as(team.people["owner"]).get(f"/tasks?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json["details"]


def test_date_filters_read_a_naive_time_as_utc(team, api_as):
    api = api_as(team.people["owner"])
    api.patch(f"/tasks/{team.task.id}", json={"due_at": "2030-01-01T12:00:00Z"})
    assert api.get("/tasks?due_before=2030-01-01T12:00:01").json["total"] == 1
    assert api.get("/tasks?due_before=2030-01-01T11:59:59").json["total"] == 0


def test_the_document_declares_the_answers_every_operation_can_give(client):
    spec = client.get("/api/v1/openapi.json").json
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            declared = set(operation["responses"])
            assert "429" in declared, (method, path)
            if "requestBody" in operation:
                assert operation["requestBody"]["required"] is True, (method, path)
                assert {"400", "413", "415"} <= declared, (method, path)
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path":
                    assert parameter["schema"]["maximum"] == PAST_INTEGER - 1
                    assert "404" in declared, (method, path)


def test_a_post_without_a_body_is_415(team, api_as):
    api = api_as(team.people["owner"])
    response = api.client.post("/api/v1/orgs", headers={"Authorization": f"Bearer {api.token}"})
    assert response.status_code == 415
    assert response.json["error"] == "unsupported_media_type"


def test_only_owners_may_delete_an_organization_as_the_document_says(team, api_as, client):
    response = api_as(team.people["admin"]).delete(f"/orgs/{team.org.id}", json={"confirm": "x"})
    assert response.status_code == 403
    operation = client.get("/api/v1/openapi.json").json["paths"]["/api/v1/orgs/{org_id}"]
    assert "403" in operation["delete"]["responses"]
