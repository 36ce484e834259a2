"""The OpenAPI document states the rate limits and Idempotency-Key on every operation."""

import pytest

METHODS = ("get", "put", "post", "delete", "patch")


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").json


def resolve(spec, node):
    while "$ref" in node:
        *_, section, name = node["$ref"].split("/")
        node = spec["components"][section][name]
    return node


def operations(spec, *methods):
    for path, item in spec["paths"].items():
        for method in methods or METHODS:
            if path.startswith("/api/v1/") and method in item:
                yield f"{method.upper()} {path}", item[method]


def test_every_post_accepts_an_idempotency_key_of_at_most_255_characters(spec):
    posts = dict(operations(spec, "post"))
    assert "POST /api/v1/orgs/{org_id}/projects" in posts
    for name, operation in posts.items():
        headers = {
            p["name"]: p
            for p in (resolve(spec, p) for p in operation.get("parameters", []))
            if p["in"] == "header"
        }
        assert "Idempotency-Key" in headers, name
        assert headers["Idempotency-Key"]["schema"]["maxLength"] == 255, name


def test_posts_that_keep_answers_document_the_409(spec):
    posts = dict(operations(spec, "post"))
    assert "409" in posts["POST /api/v1/orgs/{org_id}/projects"]["responses"]
    assert "409" in posts["POST /api/v1/projects/{project_id}/tasks"]["responses"]


def test_every_operation_documents_429_with_retry_after(spec):
    for name, operation in operations(spec):
        limited = resolve(spec, operation["responses"]["429"])
        assert "Retry-After" in limited["headers"], name
        assert "X-RateLimit-Reset" in limited["headers"], name


def test_every_documented_answer_carries_the_rate_limit_headers(spec):
    for name, operation in operations(spec):
        for status, response in operation["responses"].items():
            headers = resolve(spec, response).get("headers", {})
            assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(
                headers
            ), f"{name} {status}"


def test_every_reference_in_the_document_resolves(spec):
    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in set(refs(spec)):
        assert ref.startswith("#/"), ref
        node = spec
        for part in ref[2:].split("/"):
            assert part in node, ref
            node = node[part]
