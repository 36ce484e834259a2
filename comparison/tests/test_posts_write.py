"""Changing posts: PATCH and DELETE, for the author only."""

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from comparison.tests.helpers import Account
from comparison.tests.helpers import assert_error
from comparison.tests.helpers import assert_validation_error

pytestmark = pytest.mark.xdist_group("comparison")


@pytest.fixture
def post(author: Account, publish: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    return publish(author, title="Original title", body="Original body")


def patch(api: httpx.Client, account: Account, post_id: int, body: object) -> httpx.Response:
    return api.patch(f"/api/v1/posts/{post_id}", json=body, headers=account.headers)


def test_author_can_change_the_title(
    api: httpx.Client, author: Account, post: dict[str, Any]
) -> None:
    response = patch(api, author, post["id"], {"title": "  New title "})
    assert response.status_code == 200
    assert response.json() == {**post, "title": "New title"}
    assert api.get(f"/api/v1/posts/{post['id']}").json()["title"] == "New title"


def test_author_can_change_the_body_alone(
    api: httpx.Client, author: Account, post: dict[str, Any]
) -> None:
    assert patch(api, author, post["id"], {"body": "New body"}).json() == {
        **post,
        "body": "New body",
    }


def test_empty_patch_changes_nothing(
    api: httpx.Client, author: Account, post: dict[str, Any]
) -> None:
    response = patch(api, author, post["id"], {})
    assert response.status_code == 200
    assert response.json() == post


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"title": None}, {"title"}),
        ({"title": ""}, {"title"}),
        ({"title": "x" * 121}, {"title"}),
        ({"body": ""}, {"body"}),
        ({"body": 3, "title": 4}, {"title", "body"}),
    ],
)
def test_invalid_patch_is_400_and_changes_nothing(
    api: httpx.Client, author: Account, post: dict[str, Any], body: dict[str, Any], fields: set[str]
) -> None:
    assert_validation_error(patch(api, author, post["id"], body), *fields)
    assert api.get(f"/api/v1/posts/{post['id']}").json() == post


def test_patch_ignores_author_and_id(
    api: httpx.Client, author: Account, stranger: Account, post: dict[str, Any]
) -> None:
    response = patch(api, author, post["id"], {"author": stranger.username, "id": 1})
    assert response.json() == post


def test_someone_else_cannot_patch(
    api: httpx.Client, stranger: Account, post: dict[str, Any]
) -> None:
    assert_error(patch(api, stranger, post["id"], {"title": "Hijacked"}), 403, "forbidden")
    assert api.get(f"/api/v1/posts/{post['id']}").json() == post


def test_patching_an_unknown_post_is_404(api: httpx.Client, author: Account) -> None:
    assert_error(patch(api, author, 2_000_000_000, {"title": "x"}), 404, "not_found")


def test_invalid_patch_of_someone_elses_post_is_400_first(
    api: httpx.Client, stranger: Account, post: dict[str, Any]
) -> None:
    # Precedence: validation (400) before lookup (404) and ownership (403).
    assert_validation_error(patch(api, stranger, post["id"], {"title": ""}), "title")
    assert_validation_error(patch(api, stranger, 2_000_000_000, {"title": ""}), "title")


def test_author_can_delete(api: httpx.Client, author: Account, post: dict[str, Any]) -> None:
    response = api.delete(f"/api/v1/posts/{post['id']}", headers=author.headers)
    assert response.status_code == 204
    assert response.content == b""
    assert_error(api.get(f"/api/v1/posts/{post['id']}"), 404, "not_found")
    assert api.get(f"/api/v1/users/{author.username}").json()["post_count"] == 0


def test_someone_else_cannot_delete(
    api: httpx.Client, stranger: Account, post: dict[str, Any]
) -> None:
    response = api.delete(f"/api/v1/posts/{post['id']}", headers=stranger.headers)
    assert_error(response, 403, "forbidden")
    assert api.get(f"/api/v1/posts/{post['id']}").status_code == 200


def test_deleting_twice_is_404(api: httpx.Client, author: Account, post: dict[str, Any]) -> None:
    api.delete(f"/api/v1/posts/{post['id']}", headers=author.headers)
    response = api.delete(f"/api/v1/posts/{post['id']}", headers=author.headers)
    assert_error(response, 404, "not_found")


def test_deleting_an_out_of_range_id_is_404(api: httpx.Client, author: Account) -> None:
    response = api.delete("/api/v1/posts/99999999999", headers=author.headers)
    assert_error(response, 404, "not_found")
