"""axe-core over the main pages: no serious or critical accessibility violation.

axe-core is vendored (tests/browser/vendor/axe.min.js, MPL-2.0, from ``npm pack
axe-core@4.14.1``): the tests need no network. Each page is checked at desktop width in
light and dark mode and at phone width; when a page has violations its screenshot is
kept in ``test-artifacts/axe/`` next to the report.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.test_account_journey import PHONE
from tests.browser.test_account_journey import sign_in
from tests.factories import PASSWORD
from tests.factories import add_member
from tests.factories import make_label
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SEVERE = ("serious", "critical")
LOOKS = {
    "desktop-light": {"viewport": {"width": 1280, "height": 800}, "color_scheme": "light"},
    "desktop-dark": {"viewport": {"width": 1280, "height": 800}, "color_scheme": "dark"},
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
}


def severe_violations(page: Page) -> list[dict[str, Any]]:
    """axe's serious and critical findings on the page as it is now."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in SEVERE]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(node["target"]) for node in v["nodes"][:5]]
        lines.append(f"  {v['impact']}: {v['id']} ({v['help']}) at {targets}")
    return "\n".join(lines)


@pytest.fixture
def workspace(app, make_user):
    """A team with everything the main pages show: members, labels, tasks, comments."""
    from taskmanager.db import utcnow

    lead = make_user(name="Lena Lead")
    org = make_org(app, lead, name="Orbit Labs")
    max_member = make_user(name="Max Member")
    add_member(app, org, max_member, "member")
    project = make_project(app, org, name="Rocket")
    bug = make_label(app, org, name="bug", color="#dc3545")
    task = make_task(
        app,
        project,
        lead,
        title="Order the fuel",
        description="**Liquid** oxygen, see the [spec](https://example.com).",
        due_at=utcnow() + timedelta(days=2),
        label_ids=[bug.id],
        priority="high",
    )
    make_task(app, project, lead, title="Paint the fins", due_at=utcnow() - timedelta(days=1))
    # Lena's notifications list has an item.
    make_task(app, project, max_member, title="Check the valves", assignee_id=lead.id)
    return lead, org, project, task


@pytest.mark.parametrize("look", list(LOOKS))
def test_main_pages_have_no_serious_accessibility_violations(
    open_page: Callable[..., Page], workspace, look, request
):
    lead, org, project, task = workspace
    # axe is injected as a script; the app's CSP (rightly) refuses scripts it did not
    # serve, so this context alone bypasses it. The CSP has its own test.
    page = open_page(bypass_csp=True, **LOOKS[look])
    pages = {
        "landing": "/",
        "sign-in": "/login",
        "register": "/register",
        "forgot-password": "/reset",
        "resend-confirmation": "/confirm",
    }
    signed_in = {
        "dashboard": "/dashboard",
        "organization": f"/o/{org.slug}",
        "task-list": f"/o/{org.slug}/projects/{project.id}",
        "board": f"/o/{org.slug}/projects/{project.id}/board",
        "task": f"/o/{org.slug}/tasks/{task.id}",
        "settings": "/account/settings",
        "notifications": "/notifications",
        "two-factor": "/tf-setup",
        "search": "/search?q=fuel",
        "my-tasks": "/my-tasks",
        "save-view": f"/o/{org.slug}/projects/{project.id}/views/new?q=fuel",
    }
    found: dict[str, list[dict[str, Any]]] = {}

    def check(name: str, path: str) -> None:
        page.goto(path)
        violations = severe_violations(page)
        if violations:
            found[name] = violations
            folder = request.config.rootpath / "test-artifacts" / "axe"
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=folder / f"{name}-{look}.png", full_page=True)
            (folder / f"{name}-{look}.json").write_text(json.dumps(violations, indent=1))

    for name, path in pages.items():
        check(name, path)
    page.goto("/login")
    sign_in(page, lead.email, PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Lena Lead")).to_be_visible()
    for name, path in signed_in.items():
        check(name, path)

    assert not found, "axe found serious or critical violations:\n" + "\n".join(
        f"{name}:\n{describe(violations)}" for name, violations in found.items()
    )
