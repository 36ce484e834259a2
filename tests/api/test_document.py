"""The OpenAPI document says which headers go in and come out.

If-Match is a header parameter of every PATCH and DELETE that honours it, with its
412; ETag, Location and Link are named on the responses that send them.
"""

import pytest

WRITES = [
    ("/api/v1/tasks/{task_id}", "patch"),
    ("/api/v1/tasks/{task_id}", "delete"),
    ("/api/v1/projects/{project_id}", "patch"),
    ("/api/v1/projects/{project_id}", "delete"),
    ("/api/v1/comments/{comment_id}", "patch"),
    ("/api/v1/comments/{comment_id}", "delete"),
]
SENDS = [
    ("/api/v1/tasks/{task_id}", "get", "200", "ETag"),
    ("/api/v1/tasks/{task_id}", "patch", "200", "ETag"),
    ("/api/v1/projects/{project_id}/tasks", "post", "201", "ETag"),
    ("/api/v1/projects/{project_id}/tasks", "post", "201", "Location"),
    ("/api/v1/projects/{project_id}", "get", "200", "ETag"),
    ("/api/v1/projects/{project_id}", "patch", "200", "ETag"),
    ("/api/v1/orgs/{org_id}/projects", "post", "201", "ETag"),
    ("/api/v1/orgs/{org_id}/projects", "post", "201", "Location"),
    ("/api/v1/tasks/{task_id}/comments", "post", "201", "ETag"),
    ("/api/v1/tasks/{task_id}/comments", "post", "201", "Location"),
    ("/api/v1/comments/{comment_id}", "patch", "200", "ETag"),
    ("/api/v1/tasks", "get", "200", "Link"),
    ("/api/v1/projects/{project_id}/tasks", "get", "200", "Link"),
    ("/api/v1/orgs/{org_id}/projects", "get", "200", "Link"),
    ("/api/v1/tasks/{task_id}/comments", "get", "200", "Link"),
    ("/api/v1/tasks/{task_id}/activity", "get", "200", "Link"),
    ("/api/v1/orgs", "get", "200", "Link"),
    ("/api/v1/orgs", "post", "201", "Location"),
    ("/api/v1/orgs/{org_id}/members", "get", "200", "Link"),
    ("/api/v1/orgs/{org_id}/invitations", "get", "200", "Link"),
    ("/api/v1/orgs/{org_id}/invitations", "post", "201", "Location"),
    ("/api/v1/invitations/accept", "post", "201", "Location"),
    ("/api/v1/orgs/{org_id}/labels", "get", "200", "Link"),
    ("/api/v1/orgs/{org_id}/labels", "post", "201", "Location"),
    ("/api/v1/orgs/{org_id}/activity", "get", "200", "Link"),
    ("/api/v1/tokens", "get", "200", "Link"),
    ("/api/v1/tokens", "post", "201", "Location"),
]


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/api/v1/openapi.json").json


@pytest.mark.parametrize(("path", "method"), WRITES)
def test_the_document_offers_if_match_and_412_on_writes(spec, path, method):
    operation = spec["paths"][path][method]
    headers = [p for p in operation["parameters"] if p["in"] == "header"]
    assert [(p["name"], p["required"], p["schema"]["type"]) for p in headers] == [
        ("If-Match", False, "string")
    ]
    assert "412" in operation["responses"]


@pytest.mark.parametrize(("path", "method", "status", "header"), SENDS)
def test_the_document_names_the_headers_each_response_sends(spec, path, method, status, header):
    response = spec["paths"][path][method]["responses"][status]
    assert response["headers"][header]["schema"]["type"] == "string"
