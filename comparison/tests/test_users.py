"""Registration (POST /users) and profiles (GET /users/<username>)."""

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from comparison.tests.helpers import PASSWORD
from comparison.tests.helpers import Account
from comparison.tests.helpers import assert_error
from comparison.tests.helpers import assert_validation_error
from comparison.tests.helpers import unique_name

pytestmark = pytest.mark.xdist_group("comparison")


def new_user(**overrides: Any) -> dict[str, Any]:
    name = unique_name()
    return {"username": name, "email": f"{name}@example.com", "password": PASSWORD, **overrides}


def test_register_returns_201_with_id_username_and_location(api: httpx.Client) -> None:
    fields = new_user()
    response = api.post("/api/v1/users", json=fields)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "username"}
    assert isinstance(body["id"], int) and body["id"] > 0
    assert body["username"] == fields["username"]
    assert response.headers["location"] == f"/api/v1/users/{fields['username']}"


def test_registered_user_can_log_in(api: httpx.Client) -> None:
    fields = new_user()
    api.post("/api/v1/users", json=fields)
    response = api.post(
        "/api/v1/tokens", json={"email": fields["email"], "password": fields["password"]}
    )
    assert response.status_code == 200


def test_duplicate_username_is_409(api: httpx.Client, author: Account) -> None:
    response = api.post("/api/v1/users", json=new_user(username=author.username))
    assert_error(response, 409, "conflict")


def test_duplicate_email_is_409_case_insensitively(api: httpx.Client, author: Account) -> None:
    response = api.post("/api/v1/users", json=new_user(email=author.email.upper()))
    assert_error(response, 409, "conflict")


def test_email_is_stored_in_lower_case(api: httpx.Client) -> None:
    fields = new_user()
    fields["email"] = fields["email"].upper()
    assert api.post("/api/v1/users", json=fields).status_code == 201
    login = {"email": fields["email"].lower(), "password": PASSWORD}
    assert api.post("/api/v1/tokens", json=login).status_code == 200


def test_usernames_are_case_sensitive(api: httpx.Client, author: Account) -> None:
    response = api.post("/api/v1/users", json=new_user(username=author.username.upper()))
    assert response.status_code == 201


def test_a_duplicate_is_not_created(api: httpx.Client, author: Account) -> None:
    api.post("/api/v1/users", json=new_user(username=author.username))
    profile = api.get(f"/api/v1/users/{author.username}").json()
    assert profile["id"] == author.id


def test_all_missing_fields_are_named(api: httpx.Client) -> None:
    assert_validation_error(api.post("/api/v1/users", json={}), "username", "email", "password")


@pytest.mark.parametrize(
    "username",
    ["ab", "a" * 33, "has space", "dash-name", "dot.name", "émile", "alice\n", "", "a\x00bc"],
)
def test_invalid_username_is_400(api: httpx.Client, username: str) -> None:
    assert_validation_error(api.post("/api/v1/users", json=new_user(username=username)), "username")


@pytest.mark.parametrize("length", [3, 32])
def test_username_length_limits_are_inclusive(api: httpx.Client, length: int) -> None:
    name = ("U_" + uuid.uuid4().hex * 2)[:length]
    assert api.post("/api/v1/users", json=new_user(username=name)).status_code == 201


@pytest.mark.parametrize(
    "email", ["not-an-email", "a@", "@example.com", "a b@example.com", "a@b@example.com", ""]
)
def test_invalid_email_is_400(api: httpx.Client, email: str) -> None:
    assert_validation_error(api.post("/api/v1/users", json=new_user(email=email)), "email")


def test_overlong_email_is_400(api: httpx.Client) -> None:
    email = "a" * 64 + "@" + ("b" * 60 + ".") * 3 + "example.com"
    assert len(email) > 254
    assert_validation_error(api.post("/api/v1/users", json=new_user(email=email)), "email")


@pytest.mark.parametrize("password", ["short", "x" * 7, "x" * 129])
def test_password_length_is_8_to_128(api: httpx.Client, password: str) -> None:
    response = api.post("/api/v1/users", json=new_user(password=password))
    assert_validation_error(response, "password")


@pytest.mark.parametrize("field", ["username", "email", "password"])
@pytest.mark.parametrize("value", [12345678, None, True, ["list"], {"an": "object"}])
def test_non_string_fields_are_400(api: httpx.Client, field: str, value: object) -> None:
    assert_validation_error(api.post("/api/v1/users", json=new_user(**{field: value})), field)


def test_password_is_never_returned(api: httpx.Client, author: Account) -> None:
    for response in (api.get(f"/api/v1/users/{author.username}"),):
        assert author.password not in response.text
        assert "password" not in response.json()


def test_profile_shows_post_count(
    api: httpx.Client, author: Account, publish: Callable[..., dict[str, Any]]
) -> None:
    for _ in range(3):
        publish(author)
    response = api.get(f"/api/v1/users/{author.username}")
    assert response.status_code == 200
    assert response.json() == {"id": author.id, "username": author.username, "post_count": 3}


def test_new_user_has_zero_posts(api: httpx.Client, author: Account) -> None:
    assert api.get(f"/api/v1/users/{author.username}").json()["post_count"] == 0


@pytest.mark.parametrize("suffix", ["", "/posts"])
@pytest.mark.parametrize("username", ["nobody_here_at_all", "x", "%00", "a" * 300, "caf%C3%A9"])
def test_unknown_user_is_404(api: httpx.Client, username: str, suffix: str) -> None:
    body = assert_error(api.get(f"/api/v1/users/{username}{suffix}"), 404, "not_found")
    assert body["message"] == "User not found"
