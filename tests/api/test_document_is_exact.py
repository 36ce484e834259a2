"""The OpenAPI document says what the server takes, so a schema-valid request is never
a 400 (schemathesis's positive_data_acceptance, quality.md R1).

Each test pins one place the short fuzz pass once found the document looser than the
server. What the document cannot state (a name typed back, the current password, a
cursor this server signed, a file's encoding) is 422 and documented on its operation.
"""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

from taskmanager.accounts.schemas import time_zones
from taskmanager.schemas import STRIPPED
from taskmanager.schemas import text_pattern
from taskmanager.tasks.schemas import TaskCreate

SPEC = "/api/v1/openapi.json"


@pytest.fixture
def spec(client):
    return client.get(SPEC).json


def body_schema(spec, path, method):
    content = spec["paths"][f"/api/v1{path}"][method]["requestBody"]["content"]
    ref = next(iter(content.values()))["schema"]["$ref"]
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]]


def documented(spec, path, method):
    return set(spec["paths"][f"/api/v1{path}"][method]["responses"])


class Titled(BaseModel):
    model_config = STRIPPED
    title: str


# Unicode White_Space is what the server strips; U+001C is space to Python, not to it.
TEXTS = ["x", " x ", "   ", "", "\t\n", "\u3000", "\u0085", "\u00a0x", "\x1c", "a\x00", "\x00"]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("min_length", [0, 1, 2])
def test_the_text_pattern_holds_exactly_what_the_server_keeps(text, min_length):
    kept = text.strip(" \t\n\v\f\r\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                      "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")  # fmt: skip
    server_takes = "\x00" not in text and len(kept) >= min_length
    assert (re.search(text_pattern(min_length), text) is not None) == server_takes
    if min_length == 1 and "\x00" not in text:
        # The model strips as the pattern assumes.
        assert (Titled(title=text).title != "") == server_takes


def test_a_blank_title_is_refused_and_the_document_says_so(spec, team, api_as):
    pattern = body_schema(spec, "/projects/{project_id}/tasks", "post")["properties"]["title"]
    assert re.search(pattern["pattern"], "   ") is None
    assert re.search(pattern["pattern"], " Ship it ") is not None

    api = api_as(team.people["member"])
    assert api.post(f"/projects/{team.project.id}/tasks", json={"title": "   "}).status_code == 400
    made = api.post(f"/projects/{team.project.id}/tasks", json={"title": " Ship it "})
    assert (made.status_code, made.json["title"]) == (201, "Ship it")


def test_a_title_cannot_be_null_and_the_document_offers_no_null(spec, team, api_as):
    title = body_schema(spec, "/tasks/{task_id}", "patch")["properties"]["title"]
    assert title["type"] == "string" and "anyOf" not in title and "default" not in title

    api = api_as(team.people["member"])
    response = api.patch(f"/tasks/{team.task.id}", json={"title": None})
    assert response.status_code == 400
    assert "title" in response.json["details"]


def test_time_zones_have_a_documented_shape_and_an_unknown_one_is_422(spec, team, api_as):
    branches = body_schema(spec, "/me", "patch")["properties"]["time_zone"]["anyOf"]
    shape = next(branch["pattern"] for branch in branches if "pattern" in branch)
    assert all(re.search(shape, zone) for zone in time_zones())
    assert not re.search(shape, "Europe/Paris; DROP")
    assert "422" in documented(spec, "/me", "patch")

    api = api_as(team.people["member"])
    unknown = api.patch("/me", json={"time_zone": "Mars/Olympus"})
    assert (unknown.status_code, list(unknown.json["details"])) == (422, ["time_zone"])
    assert api.patch("/me", json={"time_zone": "Asia/Tokyo"}).json["time_zone"] == "Asia/Tokyo"


def test_registration_documents_what_it_requires(spec, anonymous):
    schema = body_schema(spec, "/auth/register", "post")
    assert schema["required"] == ["email", "password"]
    assert schema["properties"]["email"]["format"] == "email"
    assert schema["properties"]["password"]["minLength"] == 8
    assert "422" in documented(spec, "/auth/register", "post")

    short = anonymous.post("/auth/register", json={"email": "a@example.com", "password": "short"})
    assert short.status_code == 400  # under the document's minLength


def test_a_wrong_confirmation_is_422_and_documented(spec, team, api_as):
    api = api_as(team.people["owner"])
    project = api.delete(f"/projects/{team.project.id}", json={"confirm": "not its name"})
    org = api.delete(f"/orgs/{team.org.id}", json={"confirm": "not-its-slug"})
    me = api.delete("/me", json={"password": "not my password"})

    assert (project.status_code, org.status_code, me.status_code) == (422, 422, 422)
    assert "422" in documented(spec, "/projects/{project_id}", "delete")
    assert "422" in documented(spec, "/orgs/{org_id}", "delete")
    assert "422" in documented(spec, "/me", "delete")


def test_cursor_with_page_is_422_and_documented(spec, team, api_as):
    api = api_as(team.people["member"])
    cursor = api.get("/tasks?per_page=1").json.get("next_cursor") or "anything"

    response = api.get(f"/tasks?cursor={cursor}&page=2")

    assert response.status_code == 422
    assert "page" in response.json["details"]["cursor"]
    assert "422" in documented(spec, "/tasks", "get")
    assert "422" in documented(spec, "/projects/{project_id}/tasks", "get")


def test_a_file_that_is_not_utf8_is_422_and_documented(spec, team, api_as):
    api = api_as(team.people["member"])
    response = api.client.post(
        f"/api/v1/orgs/{team.org.id}/imports",
        headers={"Authorization": f"Bearer {api.token}"},
        data={"project_id": str(team.project.id), "file": (_latin1(), "tasks.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "UTF-8" in response.json["message"]
    assert "422" in documented(spec, "/orgs/{org_id}/imports", "post")


def _latin1():
    import io

    return io.BytesIO("title\nCaf\u00e9 cr\u00e8me\n".encode("latin-1"))


def test_a_dependency_is_exactly_one_of_two_in_the_document_too(spec, team, api_as):
    schema = body_schema(spec, "/tasks/{task_id}/dependencies", "post")
    assert (schema["minProperties"], schema["maxProperties"]) == (1, 1)
    assert schema["additionalProperties"] is False
    assert all("anyOf" not in field for field in schema["properties"].values())

    api = api_as(team.people["owner"])
    body = {"blocked_by": None, "blocks": team.task.id + 1000}
    assert api.post(f"/tasks/{team.task.id}/dependencies", json=body).status_code == 400


def test_webhook_answers_are_documented_by_the_names_they_are_written_with(spec):
    webhook = spec["components"]["schemas"]["WebhookOut"]
    assert "secret_rotating_until" in webhook["properties"]
    assert "previous_secret_expires_at" not in webhook["properties"]
    assert "previous_secret_expires_at" not in webhook.get("required", [])


def test_due_dates_outside_the_documented_years_are_refused(spec, team, api_as):
    due_at = body_schema(spec, "/projects/{project_id}/tasks", "post")["properties"]["due_at"]
    pattern = next(branch["pattern"] for branch in due_at["anyOf"] if "pattern" in branch)
    assert re.search(pattern, "2100-12-31T23:00:00Z") and not re.search(pattern, "2101-01-01")

    api = api_as(team.people["member"])
    late = {"title": "Later", "due_at": "2101-01-01T00:00:00Z"}
    assert api.post(f"/projects/{team.project.id}/tasks", json=late).status_code == 400
    assert TaskCreate(title="x", due_at="2100-06-01T00:00:00Z").due_at is not None


def test_an_export_not_built_yet_is_409_not_missing(spec, user, api_as, enqueued):
    api = api_as(user)
    export_id = api.post("/me/export").json["id"]

    archive = api.get(f"/me/export/{export_id}/archive")

    # It exists (its state answers 200); it is not ready: 409, as the document says.
    assert api.get(f"/me/export/{export_id}").status_code == 200
    assert (archive.status_code, archive.json["error"]) == (409, "conflict")
    assert "409" in documented(spec, "/me/export/{export_id}/archive", "get")


@pytest.mark.parametrize("address", ["ana\x85@example.com", "ana@exa\u00a0mple.com", "a@b\x00.io"])
def test_an_invitation_address_the_document_refuses_the_server_refuses(spec, team, api_as, address):
    pattern = body_schema(spec, "/orgs/{org_id}/invitations", "post")["properties"]["email"]
    # The document's engine (ECMA) and the server's (Python) read the pattern alike.
    assert "\\s" not in pattern["pattern"]
    assert re.search(pattern["pattern"], address) is None
    response = api_as(team.people["owner"]).post(
        f"/orgs/{team.org.id}/invitations", json={"email": address}
    )
    assert response.status_code == 400


def test_a_saved_view_cannot_lose_its_name_and_the_document_offers_no_null(spec):
    name = body_schema(spec, "/views/{view_id}", "patch")["properties"]["name"]
    assert name["type"] == "string" and "anyOf" not in name


def test_max_length_counts_the_text_as_sent_as_the_document_does(team, api_as):
    api = api_as(team.people["member"])
    padded = {"title": "   " + "x" * 200}  # 203 as sent, 200 once stripped

    assert api.post(f"/projects/{team.project.id}/tasks", json=padded).status_code == 400
    made = api.post(f"/projects/{team.project.id}/tasks", json={"title": " " + "x" * 198 + " "})
    assert made.status_code == 201


def test_query_operations_document_the_414_of_the_server_in_front(spec):
    members = spec["paths"]["/api/v1/orgs/{org_id}/members"]["get"]["responses"]
    assert "414" in members


def test_the_assignee_filter_pattern_holds_exactly_the_ids_that_can_exist(spec, team, api_as):
    parameter = next(
        p for p in spec["paths"]["/api/v1/tasks"]["get"]["parameters"] if p["name"] == "assignee"
    )
    pattern = parameter["schema"].get("pattern") or parameter["schema"]["anyOf"][0]["pattern"]
    for number in (1, 999_999_999, 2_000_000_000, 2_147_483_647):
        assert re.search(pattern, str(number))
    for number in (0, 2_147_483_648, 5_780_205_780, 9_999_999_999):
        assert not re.search(pattern, str(number))
    api = api_as(team.people["member"])
    assert api.get("/tasks?assignee=2147483647").status_code == 200
    assert api.get("/tasks?assignee=5780205780").status_code == 400


def test_every_operation_documents_the_400_of_a_malformed_request(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if path.startswith("/api/v1/") and method in ("get", "put", "post", "patch", "delete"):
                assert "400" in operation["responses"], f"{method.upper()} {path}"
