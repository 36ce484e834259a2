"""Creating posts (POST /posts): the seed's test_create_post and its validation."""

import json
import re
import time
from datetime import UTC
from datetime import datetime

import httpx
import pytest

from comparison.tests.helpers import Account
from comparison.tests.helpers import assert_error
from comparison.tests.helpers import assert_validation_error

pytestmark = pytest.mark.xdist_group("comparison")

ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def create(api: httpx.Client, account: Account, body: object) -> httpx.Response:
    # Serialised by hand: httpx would send no body at all for json=None.
    headers = {**account.headers, "Content-Type": "application/json"}
    return api.post("/api/v1/posts", content=json.dumps(body).encode(), headers=headers)


def test_create_post(api: httpx.Client, author: Account) -> None:
    response = create(api, author, {"title": "Test Post", "body": "Content"})
    assert response.status_code == 201
    post = response.json()
    assert set(post) == {"id", "title", "body", "author", "created_at"}
    assert post["title"] == "Test Post"
    assert post["body"] == "Content"
    assert post["author"] == author.username
    assert response.headers["location"] == f"/api/v1/posts/{post['id']}"


def test_created_post_is_readable_at_its_location(api: httpx.Client, author: Account) -> None:
    response = create(api, author, {"title": "Findable", "body": "Here"})
    assert api.get(response.headers["location"]).json() == response.json()


def test_created_at_is_iso_8601_utc_with_z(api: httpx.Client, author: Account) -> None:
    before = time.time()
    created_at = create(api, author, {"title": "t", "body": "b"}).json()["created_at"]
    assert ISO_UTC.fullmatch(created_at), created_at
    moment = datetime.strptime(created_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before - 5 <= moment.timestamp() <= time.time() + 5


def test_create_post_validation_error(api: httpx.Client, author: Account) -> None:
    assert_validation_error(create(api, author, {"title": ""}), "title", "body")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"title", "body"}),
        ({"body": "b"}, {"title"}),
        ({"title": "t"}, {"body"}),
        ({"title": "   ", "body": "b"}, {"title"}),
        ({"title": "x" * 121, "body": "b"}, {"title"}),
        ({"title": "t", "body": ""}, {"body"}),
        ({"title": "t", "body": "x" * 10_001}, {"body"}),
        ({"title": 42, "body": "b"}, {"title"}),
        ({"title": "t", "body": 42}, {"body"}),
        ({"title": None, "body": None}, {"title", "body"}),
        ({"title": ["t"], "body": "b"}, {"title"}),
        ({"title": True, "body": "b"}, {"title"}),
        ({"title": "nul\x00byte", "body": "b"}, {"title"}),
        ({"title": "t", "body": "nul\x00byte"}, {"body"}),
        ({"title": "lone \ud800 surrogate", "body": "b"}, {"title"}),
    ],
)
def test_invalid_fields_are_400_naming_them(
    api: httpx.Client, author: Account, body: dict[str, object], fields: set[str]
) -> None:
    assert_validation_error(create(api, author, body), *fields)


@pytest.mark.parametrize("payload", [[], ["title", "body"], "a string", 42, None, True])
def test_a_body_that_is_not_an_object_is_a_validation_error(
    api: httpx.Client, author: Account, payload: object
) -> None:
    assert_validation_error(create(api, author, payload), "body")


def test_title_of_120_characters_is_accepted(api: httpx.Client, author: Account) -> None:
    response = create(api, author, {"title": "x" * 120, "body": "b"})
    assert response.status_code == 201
    assert response.json()["title"] == "x" * 120


def test_body_of_10000_characters_is_accepted(api: httpx.Client, author: Account) -> None:
    assert create(api, author, {"title": "t", "body": "y" * 10_000}).status_code == 201


def test_title_is_stripped(api: httpx.Client, author: Account) -> None:
    assert create(api, author, {"title": "  Spaced  ", "body": "b"}).json()["title"] == "Spaced"


def test_unicode_round_trips(api: httpx.Client, author: Account) -> None:
    post = create(api, author, {"title": "Ünïcødé ✓ 日本", "body": "emoji 🎉\nnewline"}).json()
    again = api.get(f"/api/v1/posts/{post['id']}").json()
    assert again["title"] == "Ünïcødé ✓ 日本"
    assert again["body"] == "emoji 🎉\nnewline"


def test_author_and_id_in_the_body_are_ignored(
    api: httpx.Client, author: Account, stranger: Account
) -> None:
    body = {"title": "t", "body": "b", "author": stranger.username, "id": 1, "created_at": "x"}
    post = create(api, author, body).json()
    assert post["author"] == author.username
    assert post["created_at"] != "x"


@pytest.mark.parametrize(
    "raw", [b"{", b'{"title": "t",}', b"not json", b"{'title': 't'}", b"\xff\xfe{}", b""]
)
def test_malformed_json_is_400_invalid_json(api: httpx.Client, author: Account, raw: bytes) -> None:
    headers = {**author.headers, "Content-Type": "application/json"}
    assert_error(api.post("/api/v1/posts", content=raw, headers=headers), 400, "invalid_json")


def test_deeply_nested_json_is_an_error_not_a_crash(api: httpx.Client, author: Account) -> None:
    headers = {**author.headers, "Content-Type": "application/json"}
    response = api.post("/api/v1/posts", content=b"[" * 20_000 + b"]" * 20_000, headers=headers)
    assert_error(response, 400, "invalid_json")


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_body_without_json_content_type_is_415(
    api: httpx.Client, author: Account, content_type: str | None
) -> None:
    headers = dict(author.headers)
    if content_type:
        headers["Content-Type"] = content_type
    response = api.post("/api/v1/posts", content=b'{"title": "t", "body": "b"}', headers=headers)
    assert_error(response, 415, "unsupported_media_type")


def test_json_with_charset_is_accepted(api: httpx.Client, author: Account) -> None:
    headers = {**author.headers, "Content-Type": "application/json; charset=utf-8"}
    response = api.post("/api/v1/posts", content=b'{"title": "t", "body": "b"}', headers=headers)
    assert response.status_code == 201


def test_body_over_64_kib_is_413(api: httpx.Client, author: Account) -> None:
    response = create(api, author, {"title": "t", "body": "x" * 70_000})
    assert_error(response, 413, "payload_too_large")


# The contract's precedence: media type, size, JSON syntax, token, validation.
def test_malformed_json_is_reported_before_a_missing_token(api: httpx.Client) -> None:
    headers = {"Content-Type": "application/json"}
    assert_error(api.post("/api/v1/posts", content=b"{", headers=headers), 400, "invalid_json")


def test_missing_token_is_reported_before_invalid_fields(api: httpx.Client) -> None:
    assert_error(api.post("/api/v1/posts", json={"title": ""}), 401, "token_missing")


def test_wrong_media_type_is_reported_before_a_missing_token(api: httpx.Client) -> None:
    response = api.post("/api/v1/posts", content=b"{", headers={"Content-Type": "text/plain"})
    assert_error(response, 415, "unsupported_media_type")
