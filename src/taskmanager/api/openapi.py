"""What the OpenAPI document says about every operation, added in one place.

The views declare what is particular to them (403, 409, 412). What holds for every
operation of a kind is added here, so the document matches what the server really
answers (schemathesis checks it) without each view repeating it:

- a JSON body is required: without one the answer is 415, with a broken one 400,
  with one over ``MAX_CONTENT_LENGTH`` 413;
- query strings are validated: 400;
- ids in paths are positive PostgreSQL integers; any other number names nothing: 404;
- rate limits apply to everyone: 429 with ``Retry-After``.
"""

from __future__ import annotations

from typing import Any

from taskmanager.db import MAX_ID

METHODS = ("get", "put", "post", "patch", "delete")


def _error(description: str, schema: str = "HTTPError") -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _rate_limited() -> dict[str, Any]:
    response = _error("Too many requests; retry after the number of seconds in Retry-After")
    response["headers"] = {
        "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
    }
    return response


def _complete(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    parameters = operation.get("parameters", [])
    body = operation.get("requestBody")
    if body is not None:
        body["required"] = True
        responses.setdefault("400", _error("Validation error", "ValidationError"))
        responses.setdefault("413", _error("The body is larger than the server accepts"))
        responses.setdefault("415", _error("The body is not JSON"))
    if any(parameter["in"] == "query" for parameter in parameters):
        responses.setdefault("400", _error("Validation error", "ValidationError"))
    for parameter in parameters:
        schema = parameter.get("schema", {})
        if parameter["in"] == "path" and schema.get("type") == "integer":
            schema.update(minimum=1, maximum=MAX_ID)
            responses.setdefault("404", _error("Not found"))
    responses.setdefault("429", _rate_limited())


def complete(spec: dict[Any, Any] | str) -> dict[Any, Any] | str:
    """APIFlask spec processor: add the responses every operation of a kind can give."""
    if isinstance(spec, str):  # already rendered (SPEC_FORMAT yaml): nothing to add to
        return spec
    for item in spec.get("paths", {}).values():
        for method in METHODS:
            if method in item:
                _complete(item[method])
    return spec
