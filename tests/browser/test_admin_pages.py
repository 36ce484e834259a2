"""The staff admin in a real browser, under the app's CSP: pages render, actions work."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from taskmanager.accounts.models import User
from taskmanager.extensions import db
from tests.browser.test_account_journey import sign_in
from tests.factories import PASSWORD
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"


def test_staff_browse_the_admin_and_deactivate_an_account_from_the_menu(
    page, committed_app, live_server, make_user
):
    staff = make_user(name="Sam Staff", staff=True)
    owner = make_user(name="Olive Owner")
    org = make_org(committed_app, owner, name="Acme")
    project = make_project(committed_app, org)
    for n in range(3):
        make_task(committed_app, project, owner, title=f"Task {n}")
    leaving = make_user(email="leaving@example.com")

    page.goto("/login")
    sign_in(page, staff.email, PASSWORD)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for path, heading, shot in [
        ("/admin/", "Dashboard", "admin-dashboard"),
        ("/admin/user/", "User", "admin-users"),
        ("/admin/organization/", "Organization", "admin-orgs"),
        ("/admin/outboundemail/", "Recipient", "admin-emails"),
    ]:
        page.goto(path)
        expect(page.get_by_text(heading).first).to_be_visible()
        page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)

    # The "With selected" menu, through its script (no inline handler to block).
    page.goto("/admin/user/?search=leaving")
    page.locator("input.action-checkbox").first.check()
    page.get_by_role("button", name="With selected").or_(
        page.get_by_text("With selected")
    ).first.click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_text("Deactivate (ends sessions and API tokens)").click()
    expect(page.get_by_text("1 account deactivated.")).to_be_visible()
    with committed_app.app_context():
        assert db.session.get(User, leaving.id).active is False
