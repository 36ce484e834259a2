"""No input makes any endpoint answer 5xx."""

import httpx
import pytest

from comparison.tests.helpers import Account

pytestmark = pytest.mark.xdist_group("comparison")

HOSTILE_PATHS = [
    "/api/v1/posts/" + "9" * 3000,
    "/api/v1/users/" + "a" * 3000,
    "/api/v1/users/%00%01%02",
    "/api/v1/users/..%2F..%2Fetc%2Fpasswd",
    "/api/v1/posts?page=" + "9" * 3000,
    "/api/v1/posts?per_page=%00",
    "/api/v1/posts?page=1&page=2&per_page=3&per_page=4",
    "/api/v1/posts?page[]=1",
    "/api/v1/%ff%fe",
    "/api/v1/posts/%F0%9F%8E%89",
]
HOSTILE_BODIES = [
    b'{"title": "' + b"x" * 60_000 + b'", "body": "b"}',
    b'{"title": {"nested": {"deeper": [1, 2, 3]}}, "body": []}',
    b'{"title": "\\ud800", "body": "lone surrogate"}',
    b'{"title": 1e999, "body": -1e999}',
    b'{"title": "t", "body": "b", "title": "duplicate key"}',
    b"\x00\x00\x00",
    b'"\\u0000"',
    b"[" * 900 + b"]" * 900,
    b"123456789012345678901234567890",
]


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_hostile_paths_never_fail(api: httpx.Client, path: str) -> None:
    response = api.get(path)
    assert response.status_code < 500, response.text
    assert response.json()["error"] if response.status_code >= 400 else True


@pytest.mark.parametrize("raw", HOSTILE_BODIES)
@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/api/v1/users"), ("POST", "/api/v1/tokens"), ("POST", "/api/v1/posts"),
     ("PATCH", "/api/v1/posts/1")],
)  # fmt: skip
def test_hostile_bodies_never_fail(
    api: httpx.Client, author: Account, method: str, path: str, raw: bytes
) -> None:
    headers = {**author.headers, "Content-Type": "application/json"}
    response = api.request(method, path, content=raw, headers=headers)
    assert response.status_code < 500, response.text
    assert 400 <= response.status_code < 500 or response.status_code in {200, 201}
    if response.status_code >= 400:
        assert response.json()["error"]
