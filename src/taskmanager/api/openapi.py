"""What every operation shares, written once into the OpenAPI document.

The rate-limit headers and the 429 answer, and on POST the ``Idempotency-Key``
header and the 409 it can cause, belong to every operation under /api/v1; adding them
here keeps the document true to what ``limits.py`` and ``replay.py`` do without a
decorator on each view.

So do the answers every operation of a kind can give (schemathesis checks them; the
views declare only what is particular to them, like 403, 409 or 412):

- a JSON body is required: without one the answer is 415, with a broken one 400,
  with one over ``MAX_CONTENT_LENGTH`` 413;
- query strings are validated: 400; a URL over the server's line limit is 414;
- ids in paths are positive PostgreSQL integers; any other number names nothing: 404.
"""

from __future__ import annotations

import json
import re
from typing import Any

from apiflask import APIFlask

from taskmanager.api import replay
from taskmanager.api.idempotency import MAX_KEY_LENGTH
from taskmanager.api.schemas import Error
from taskmanager.db import MAX_ID

Spec = dict[str, Any]
PREFIX = "/api/v1/"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
ERROR_SCHEMA = "HTTPError"  # APIFlask's name for the error shape (HTTP_ERROR_SCHEMA)

RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": "Requests allowed per window in the budget this request counts "
    "against (per user: writes, or reads; the token endpoint has its own).",
    "X-RateLimit-Remaining": "Requests left in the current window of that budget.",
    "X-RateLimit-Reset": "When the window frees a request again, in seconds since the Unix epoch.",
}
IDEMPOTENCY_KEY = (
    f"Any unique string of 1 to {MAX_KEY_LENGTH} characters (a UUID is ideal). A retry "
    "with the same key and the same body, by the same user within 24 hours, gets the "
    "first answer again (status, body, Location and ETag, plus "
    f"`{replay.REPLAYED_HEADER}: true`) instead of doing the work twice. The same key "
    "with another body, or while the first request is still running, is 409 "
    "`conflict`: retry the same request in a moment to get its answer. Answers of 500 "
    "and above are not kept, so a retry after one really runs."
)
NOT_HONOURED = (
    f"Checked (1 to {MAX_KEY_LENGTH} characters) but not honoured on this operation: "
    "its answer is a secret, or it has no signed-in caller to own the key, so nothing "
    "is kept and a retry runs again."
)


def _header(description: str) -> Spec:
    return {"description": description, "schema": {"type": "integer"}}


def _error(description: str, headers: Spec) -> Spec:
    return {
        "description": description,
        "headers": headers,
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}}
        },
    }


def _components(spec: Spec) -> None:
    components = spec.setdefault("components", {})
    components.setdefault("schemas", {}).setdefault(ERROR_SCHEMA, Error.model_json_schema())
    headers = components.setdefault("headers", {})
    for name, description in RATE_LIMIT_HEADERS.items():
        headers[name] = _header(description)
    headers["Retry-After"] = _header("Seconds to wait before trying again.")
    limit_refs = {name: {"$ref": f"#/components/headers/{name}"} for name in RATE_LIMIT_HEADERS}
    responses = components.setdefault("responses", {})
    responses["RateLimited"] = _error(
        "Too many requests (`rate_limited`): wait `Retry-After` seconds.",
        {**limit_refs, "Retry-After": {"$ref": "#/components/headers/Retry-After"}},
    )
    responses["IdempotencyConflict"] = _error(
        "`conflict`: this Idempotency-Key was used with another request, or its first "
        "request is still running.",
        limit_refs,
    )
    components.setdefault("parameters", {})["IdempotencyKey"] = _key_parameter(IDEMPOTENCY_KEY)


def _key_parameter(description: str) -> Spec:
    return {
        "name": replay.HEADER,
        "in": "header",
        "required": False,
        "description": description,
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
    }


def _plain_error(description: str) -> Spec:
    return {
        "description": description,
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}}
        },
    }


def _by_kind(operation: Spec) -> None:
    """The answers an operation gives for having a body, a query string, ids in its path."""
    responses: Spec = operation.setdefault("responses", {})
    parameters = operation.get("parameters", [])
    body = operation.get("requestBody")
    if body is not None:
        body["required"] = True
        responses.setdefault("400", _plain_error("Validation error"))
        responses.setdefault("413", _plain_error("The body is larger than the server accepts"))
        responses.setdefault("415", _plain_error("The body is not JSON"))
    if any(parameter.get("in") == "query" for parameter in parameters):
        responses.setdefault("400", _plain_error("Validation error"))
        # Refused by the server in front (gunicorn, nginx) before the app: no JSON body.
        responses.setdefault("414", {"description": "The URL is longer than the server reads"})
    for parameter in parameters:
        schema = parameter.get("schema", {})
        if parameter.get("in") == "path" and schema.get("type") == "integer":
            schema.update(minimum=1, maximum=MAX_ID)
            responses.setdefault("404", _plain_error("Not found"))


def _one_definition_each(spec: Spec) -> None:
    """Define each schema once, under its own name.

    APIFlask files the models a schema nests under the container's name
    (``TaskPage.TaskOut``, ``OrgOut.Role``), a copy per container; client generators
    then see one model defined many times and drop it. Each copy is the same
    Pydantic model, so it is filed under its own name and every reference follows.
    """
    schemas: Spec = spec.get("components", {}).get("schemas", {})
    # Copies differ only in where their own references point, so compare them with
    # every reference already read as its own name.
    own_refs = re.compile(r'("#/components/schemas/)[^"]*\.([^".]+")')
    normal = {name: own_refs.sub(r"\1\2", json.dumps(schema)) for name, schema in schemas.items()}
    renamed: dict[str, str] = {}
    for name in [name for name in schemas if "." in name]:
        own = name.rsplit(".", 1)[1]
        if own not in schemas:
            schemas[own], normal[own] = schemas[name], normal[name]
        if normal[own] == normal[name]:
            renamed[f"#/components/schemas/{name}"] = f"#/components/schemas/{own}"
            del schemas[name]
    # The same schema under two names (APIFlask's HTTPError and ValidationError are
    # both the one error shape) is one model too.
    first: dict[str, str] = {}
    for name in sorted(schemas, key=lambda name: (name != ERROR_SCHEMA, name)):
        kept = first.setdefault(normal[name], name)
        if kept != name:
            renamed[f"#/components/schemas/{name}"] = f"#/components/schemas/{kept}"
            del schemas[name]

    def follow(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref in renamed:
                node["$ref"] = renamed[ref]
            for value in node.values():
                follow(value)
        elif isinstance(node, list):
            for value in node:
                follow(value)

    follow(spec)


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def init_app(app: APIFlask) -> None:
    """Install the spec processor that adds the shared parts to every /api/v1 operation."""

    def document(spec: dict[Any, Any] | str) -> dict[Any, Any] | str:
        if isinstance(spec, str):  # APIFlask's type allows it; it always passes a dict
            return spec
        _components(spec)
        _one_definition_each(spec)
        not_honoured = {
            _openapi_path(rule.rule)
            for rule in app.url_map.iter_rules()
            if rule.endpoint in replay.NOT_REPLAYED
        }
        limit_refs = {name: {"$ref": f"#/components/headers/{name}"} for name in RATE_LIMIT_HEADERS}
        for path, item in spec.get("paths", {}).items():
            if not path.startswith(PREFIX):
                continue
            for method in METHODS:
                operation = item.get(method)
                if operation is None:
                    continue
                _by_kind(operation)
                responses = operation.setdefault("responses", {})
                # A malformed HTTP message is refused by the server in front, in its words.
                responses.setdefault("400", {"description": "The HTTP request is malformed"})
                for response in responses.values():
                    if "$ref" not in response:
                        response.setdefault("headers", {}).update(limit_refs)
                responses["429"] = {"$ref": "#/components/responses/RateLimited"}
                if method != "post":
                    continue
                parameter = (
                    _key_parameter(NOT_HONOURED)
                    if path in not_honoured
                    else {"$ref": "#/components/parameters/IdempotencyKey"}
                )
                operation.setdefault("parameters", []).append(parameter)
                if path not in not_honoured:
                    responses.setdefault(
                        "409", {"$ref": "#/components/responses/IdempotencyConflict"}
                    )
                    # A malformed key is refused even where the operation takes no body.
                    if "400" not in responses:
                        responses["400"] = _plain_error("Validation error")
                        responses["400"]["headers"] = dict(limit_refs)
        return spec

    app.spec_processor(document)
