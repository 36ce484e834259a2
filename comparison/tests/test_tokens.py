"""Logging in: POST /tokens."""

import time

import httpx
import jwt
import pytest

from comparison.tests.helpers import SECRET_KEY
from comparison.tests.helpers import TOKEN_TTL
from comparison.tests.helpers import Account
from comparison.tests.helpers import assert_error
from comparison.tests.helpers import assert_validation_error

pytestmark = pytest.mark.xdist_group("comparison")


def test_token_has_bearer_type_and_lifetime(api: httpx.Client, author: Account) -> None:
    response = api.post("/api/v1/tokens", json={"email": author.email, "password": author.password})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == TOKEN_TTL


def test_token_is_hs256_jwt_for_the_user(api: httpx.Client, author: Account) -> None:
    claims = jwt.decode(author.token, SECRET_KEY, algorithms=["HS256"])
    assert claims["sub"] == str(author.id)
    assert abs(claims["exp"] - (time.time() + TOKEN_TTL)) < 120


def test_email_is_case_insensitive_at_login(api: httpx.Client, author: Account) -> None:
    login = {"email": author.email.upper(), "password": author.password}
    assert api.post("/api/v1/tokens", json=login).status_code == 200


def test_wrong_password_is_401_invalid_credentials(api: httpx.Client, author: Account) -> None:
    response = api.post("/api/v1/tokens", json={"email": author.email, "password": "wrong-pass"})
    assert_error(response, 401, "invalid_credentials")


def test_unknown_email_looks_like_wrong_password(api: httpx.Client, author: Account) -> None:
    wrong = api.post("/api/v1/tokens", json={"email": author.email, "password": "wrong-pass"})
    unknown = api.post("/api/v1/tokens", json={"email": "nobody@example.com", "password": "x"})
    assert_error(unknown, 401, "invalid_credentials")
    assert unknown.json() == wrong.json()


def test_missing_credentials_are_400(api: httpx.Client) -> None:
    assert_validation_error(api.post("/api/v1/tokens", json={}), "email", "password")


@pytest.mark.parametrize("value", [None, 42, ["a@example.com"]])
def test_non_string_credentials_are_400(api: httpx.Client, value: object) -> None:
    response = api.post("/api/v1/tokens", json={"email": value, "password": "whatever1"})
    assert_validation_error(response, "email")
