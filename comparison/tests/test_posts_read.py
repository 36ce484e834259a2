"""Reading posts: one post, the list, a user's posts, pagination and ordering."""

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from comparison.tests.helpers import Account
from comparison.tests.helpers import assert_error
from comparison.tests.helpers import assert_validation_error

pytestmark = pytest.mark.xdist_group("comparison")

Publish = Callable[..., dict[str, Any]]


@pytest.fixture
def prolific(author: Account, publish: Publish) -> tuple[Account, list[dict[str, Any]]]:
    """An author with 25 posts, oldest first."""
    return author, [publish(author, title=f"Post {n}", body=f"Body {n}") for n in range(25)]


def test_get_post_returns_the_post(api: httpx.Client, author: Account, publish: Publish) -> None:
    post = publish(author, title="Hello", body="World")
    response = api.get(f"/api/v1/posts/{post['id']}")
    assert response.status_code == 200
    assert response.json() == {
        "id": post["id"],
        "title": "Hello",
        "body": "World",
        "author": author.username,
        "created_at": post["created_at"],
    }


def test_unknown_post_is_404_post_not_found(api: httpx.Client) -> None:
    body = assert_error(api.get("/api/v1/posts/2000000000"), 404, "not_found")
    assert body == {"error": "not_found", "message": "Post not found"}


@pytest.mark.parametrize("post_id", ["abc", "0x1", "1.0", "-1", "99999999999", "9" * 40, "%00"])
def test_non_numeric_or_out_of_range_id_is_404(api: httpx.Client, post_id: str) -> None:
    assert_error(api.get(f"/api/v1/posts/{post_id}"), 404, "not_found")


def test_post_zero_is_404(api: httpx.Client) -> None:
    assert_error(api.get("/api/v1/posts/0"), 404, "not_found")


def test_list_shape_and_default_page(api: httpx.Client, author: Account, publish: Publish) -> None:
    publish(author)
    body = api.get("/api/v1/posts").json()
    assert set(body) == {"posts", "total", "page", "per_page"}
    assert body["page"] == 1 and body["per_page"] == 20
    assert 1 <= len(body["posts"]) <= 20
    assert body["total"] >= len(body["posts"])
    assert set(body["posts"][0]) == {"id", "title", "body", "author", "created_at"}


def test_newest_post_comes_first(api: httpx.Client, author: Account, publish: Publish) -> None:
    publish(author, title="older")
    newest = publish(author, title="newest")
    assert api.get("/api/v1/posts").json()["posts"][0] == newest


def test_list_is_ordered_newest_first(
    api: httpx.Client, prolific: tuple[Account, list[dict[str, Any]]]
) -> None:
    posts = api.get("/api/v1/posts", params={"per_page": 100}).json()["posts"]
    keys = [(p["created_at"], p["id"]) for p in posts]
    assert keys == sorted(keys, reverse=True)


def test_list_total_counts_every_post(
    api: httpx.Client, prolific: tuple[Account, list[dict[str, Any]]]
) -> None:
    first = api.get("/api/v1/posts", params={"per_page": 100}).json()
    pages = -(-first["total"] // 100)
    seen = [
        p["id"]
        for page in range(1, pages + 1)
        for p in api.get("/api/v1/posts", params={"page": page, "per_page": 100}).json()["posts"]
    ]
    assert len(seen) == len(set(seen)) == first["total"]


def test_user_posts_page_through_20_at_a_time_newest_first(
    api: httpx.Client, prolific: tuple[Account, list[dict[str, Any]]]
) -> None:
    author, posts = prolific
    newest_first = [p["id"] for p in reversed(posts)]
    url = f"/api/v1/users/{author.username}/posts"
    first, second, third = (api.get(url, params={"page": n}).json() for n in (1, 2, 3))
    assert [p["id"] for p in first["posts"]] == newest_first[:20]
    assert [p["id"] for p in second["posts"]] == newest_first[20:]
    assert third["posts"] == []
    assert first["total"] == second["total"] == third["total"] == 25
    assert (first["page"], second["page"], third["page"]) == (1, 2, 3)


@pytest.mark.parametrize("per_page", [1, 5, 25, 100])
def test_per_page_sets_the_page_size(
    api: httpx.Client, prolific: tuple[Account, list[dict[str, Any]]], per_page: int
) -> None:
    author, posts = prolific
    body = api.get(f"/api/v1/users/{author.username}/posts", params={"per_page": per_page}).json()
    assert len(body["posts"]) == min(per_page, 25)
    assert body["per_page"] == per_page
    assert body["posts"][0]["id"] == posts[-1]["id"]


def test_per_page_of_100_is_the_maximum(
    api: httpx.Client, prolific: tuple[Account, list[dict[str, Any]]]
) -> None:
    assert len(api.get("/api/v1/posts", params={"per_page": 100}).json()["posts"]) >= 25
    assert_validation_error(api.get("/api/v1/posts", params={"per_page": 101}), "per_page")


def test_page_past_the_end_is_empty_with_true_total(
    api: httpx.Client, prolific: tuple[Account, list[dict[str, Any]]]
) -> None:
    author, _ = prolific
    url = f"/api/v1/users/{author.username}/posts"
    body = api.get(url, params={"page": 2147483647, "per_page": 100}).json()
    assert body["posts"] == [] and body["total"] == 25


@pytest.mark.parametrize("param", ["page", "per_page"])
@pytest.mark.parametrize(
    "value", ["0", "-1", "abc", "", "1.5", "1.0", " 1", "+1", "1e3", "2147483648", "9" * 400]
)
@pytest.mark.parametrize("path", ["/api/v1/posts", "/api/v1/users/nobody_at_all/posts"])
def test_bad_paging_parameters_are_400(
    api: httpx.Client, path: str, param: str, value: str
) -> None:
    # Validation comes before lookup: an unknown user with a bad page is still a 400.
    assert_validation_error(api.get(path, params={param: value}), param)


def test_both_bad_parameters_are_named(api: httpx.Client) -> None:
    response = api.get("/api/v1/posts", params={"page": "0", "per_page": "1000"})
    assert_validation_error(response, "page", "per_page")


def test_user_posts_contain_only_that_users_posts(
    api: httpx.Client, author: Account, stranger: Account, publish: Publish
) -> None:
    publish(author)
    publish(stranger)
    body = api.get(f"/api/v1/users/{author.username}/posts").json()
    assert body["total"] == 1
    assert {p["author"] for p in body["posts"]} == {author.username}


def test_user_with_no_posts_has_an_empty_list(api: httpx.Client, author: Account) -> None:
    body = api.get(f"/api/v1/users/{author.username}/posts").json()
    assert body == {"posts": [], "total": 0, "page": 1, "per_page": 20}
