"""What each framework adds beyond the contract, for free (README's claims)."""

import httpx
import pytest

from comparison.harness import Server
from comparison.tests.helpers import assert_error

pytestmark = pytest.mark.xdist_group("comparison")

CONTRACT_PATHS = {
    "/api/v1/health",
    "/api/v1/users",
    "/api/v1/users/{username}",
    "/api/v1/users/{username}/posts",
    "/api/v1/tokens",
    "/api/v1/posts",
    "/api/v1/posts/{post_id}",
}


def test_admin_panel_is_served_at_admin(api: httpx.Client, server: Server) -> None:
    response = api.get("/admin/login/")
    if server.name == "django":
        assert response.status_code == 200
        assert "Django administration" in response.text
    else:
        assert_error(response, 404, "not_found")


def test_openapi_document_is_served_at_openapi_json(api: httpx.Client, server: Server) -> None:
    response = api.get("/openapi.json")
    if server.name == "fastapi":
        assert response.status_code == 200
        assert set(response.json()["paths"]) == CONTRACT_PATHS
        assert api.get("/docs").status_code == 200
    else:
        assert_error(response, 404, "not_found")
