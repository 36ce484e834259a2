"""The interactive API docs work in a real browser, under the app's own CSP, offline."""

from __future__ import annotations

import pytest
from playwright.sync_api import Request
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_api_docs_list_every_operation_from_this_server_alone(page, live_server):
    problems: list[str] = []
    foreign: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )

    def watch(request: Request) -> None:
        if not request.url.startswith(live_server.url):
            foreign.append(request.url)

    page.on("request", watch)
    page.goto("/api/docs")

    expect(page.get_by_role("heading", name="TaskManager API")).to_be_visible()
    spec = page.request.get("/api/v1/openapi.json").json()
    operations = sum(
        1
        for item in spec["paths"].values()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )
    expect(page.locator(".opblock")).to_have_count(operations)
    # An operation opens and shows its parameters: the UI is live, not a static list.
    page.locator(".opblock-summary-path", has_text="/api/v1/me").first.click()
    expect(page.get_by_role("button", name="Try it out").first).to_be_visible()
    assert not foreign, f"the docs page fetched from elsewhere: {foreign}"
    assert not problems, f"console errors (a CSP block?): {problems}"


def test_favicon_is_served(page, live_server):
    response = page.request.get("/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"] in {"image/vnd.microsoft.icon", "image/x-icon"}
