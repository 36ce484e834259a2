"""Protected routes: every way a bearer token can be missing, wrong or expired."""

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from comparison.tests.helpers import SECRET_KEY
from comparison.tests.helpers import Account
from comparison.tests.helpers import assert_error
from comparison.tests.helpers import bearer
from comparison.tests.helpers import sign
from comparison.tests.helpers import token_for

pytestmark = pytest.mark.xdist_group("comparison")

PROTECTED = [
    ("POST", "/api/v1/posts"),
    ("PATCH", "/api/v1/posts/{id}"),
    ("DELETE", "/api/v1/posts/{id}"),
]


@pytest.fixture
def post_id(author: Account, publish: Callable[..., dict[str, Any]]) -> int:
    return int(publish(author)["id"])


def call(api: httpx.Client, method: str, path: str, post_id: int, **headers: str) -> httpx.Response:
    body = {"title": "Valid title", "body": "Valid body"}
    return api.request(method, path.format(id=post_id), json=body, headers=headers)


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_protected_route_without_token_is_401_token_missing(
    api: httpx.Client, post_id: int, method: str, path: str
) -> None:
    assert_error(call(api, method, path, post_id), 401, "token_missing")


@pytest.mark.parametrize(("method", "path"), PROTECTED)
@pytest.mark.parametrize("header", ["", "Basic dXNlcjpwYXNz", "Token abc", "bearer"])
def test_other_schemes_are_token_missing(
    api: httpx.Client, post_id: int, method: str, path: str, header: str
) -> None:
    response = call(api, method, path, post_id, Authorization=header)
    assert_error(response, 401, "token_missing")


def _expired(user_id: int) -> str:
    return token_for(user_id, expires_in=-60)


def _no_exp(user_id: int) -> str:
    return sign({"sub": str(user_id), "iat": int(time.time())})


def _wrong_key(user_id: int) -> str:
    return sign({"sub": str(user_id), "exp": int(time.time()) + 300}, key="not-the-server-key" * 3)


def _hs512(user_id: int) -> str:
    return sign(
        {"sub": str(user_id), "exp": int(time.time()) + 300}, algorithm="HS512", key=SECRET_KEY
    )


def _alg_none(user_id: int) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    claims = {"sub": str(user_id), "exp": int(time.time()) + 300}
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def _tampered(user_id: int) -> str:
    header, _, signature = token_for(user_id).split(".")
    forged = token_for(user_id + 1).split(".")[1]
    return f"{header}.{forged}.{signature}"


INVALID = {
    "garbage": lambda user_id: "not-a-jwt",
    "no_exp": _no_exp,
    "wrong_key": _wrong_key,
    "hs512": _hs512,
    "alg_none": _alg_none,
    "tampered": _tampered,
    "truncated": lambda user_id: token_for(user_id)[:-4],
    "unknown_user": lambda user_id: token_for(2_000_000_000),
    "huge_user_id": lambda user_id: token_for(10**30),
    "non_numeric_sub": lambda user_id: token_for("alice"),
    "no_sub": lambda user_id: sign({"exp": int(time.time()) + 300}),
    "two_parts": lambda user_id: f"{token_for(user_id)} extra",
}


@pytest.mark.parametrize("kind", sorted(INVALID))
def test_bad_token_is_401_invalid_token(
    api: httpx.Client, author: Account, post_id: int, kind: str
) -> None:
    token = INVALID[kind](author.id)
    response = api.post("/api/v1/posts", json={"title": "t", "body": "b"}, headers=bearer(token))
    assert_error(response, 401, "invalid_token")


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_expired_token_is_401_token_expired(
    api: httpx.Client, author: Account, post_id: int, method: str, path: str
) -> None:
    response = call(api, method, path, post_id, **bearer(_expired(author.id)))
    assert_error(response, 401, "token_expired")


def test_a_token_signed_by_the_server_key_works(api: httpx.Client, author: Account) -> None:
    # The forged tokens above fail for their flaw, not for being minted by the test.
    response = api.post(
        "/api/v1/posts", json={"title": "t", "body": "b"}, headers=bearer(token_for(author.id))
    )
    assert response.status_code == 201
    assert response.json()["author"] == author.username


def test_rejected_writes_change_nothing(api: httpx.Client, author: Account, post_id: int) -> None:
    before = api.get(f"/api/v1/users/{author.username}").json()["post_count"]
    api.post("/api/v1/posts", json={"title": "t", "body": "b"})
    api.post("/api/v1/posts", json={"title": "t", "body": "b"}, headers=bearer(_expired(author.id)))
    api.delete(f"/api/v1/posts/{post_id}", headers=bearer("garbage"))
    assert api.get(f"/api/v1/users/{author.username}").json()["post_count"] == before
    assert api.get(f"/api/v1/posts/{post_id}").status_code == 200
