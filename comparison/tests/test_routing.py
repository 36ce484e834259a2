"""Health, unknown paths, wrong methods: the contract's routing rules."""

import httpx
import pytest

from comparison.tests.helpers import assert_error

pytestmark = pytest.mark.xdist_group("comparison")

# Every path of the contract with the methods it serves.
ROUTES = {
    "/api/v1/health": {"GET"},
    "/api/v1/users": {"POST"},
    "/api/v1/users/somebody": {"GET"},
    "/api/v1/users/somebody/posts": {"GET"},
    "/api/v1/tokens": {"POST"},
    "/api/v1/posts": {"GET", "POST"},
    "/api/v1/posts/1": {"GET", "PATCH", "DELETE"},
}
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
WRONG = [(path, m) for path, allowed in ROUTES.items() for m in METHODS if m not in allowed]


def test_health_answers_ok(api: httpx.Client) -> None:
    response = api.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize(
    "path",
    ["/", "/api/v1", "/api/v1/nope", "/api/v2/posts", "/api/v1/posts/1/comments", "/favicon.ico"],
)
def test_unknown_path_is_404_in_the_error_shape(api: httpx.Client, path: str) -> None:
    assert_error(api.get(path), 404, "not_found")


@pytest.mark.parametrize("path", ["/api/v1/posts/", "/api/v1/health/", "/api/v1/users/"])
def test_trailing_slash_is_404_not_a_redirect(api: httpx.Client, path: str) -> None:
    assert_error(api.get(path, follow_redirects=False), 404, "not_found")


@pytest.mark.parametrize(("path", "method"), WRONG)
def test_wrong_method_is_405_with_allow_header(api: httpx.Client, path: str, method: str) -> None:
    response = api.request(method, path, json={})
    assert_error(response, 405, "method_not_allowed")
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    # HEAD and OPTIONS are each framework's own business; the contract's methods must be there.
    assert allowed - {"HEAD", "OPTIONS"} == ROUTES[path]


@pytest.mark.parametrize("path", list(ROUTES))
@pytest.mark.parametrize("method", ["HEAD", "OPTIONS"])
def test_head_and_options_never_fail(api: httpx.Client, path: str, method: str) -> None:
    assert api.request(method, path).status_code < 500
