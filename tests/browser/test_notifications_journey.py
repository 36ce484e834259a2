"""The bell in a real browser: a teammate assigns you a task, the count shows, opening
the bell reads it. The email of the same event goes through the real worker and SMTP."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.test_account_journey import PHONE
from tests.browser.test_account_journey import sign_in
from tests.factories import PASSWORD
from tests.factories import add_member
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def bell_count(page: Page):
    return page.locator("#tm-bell-count")


@pytest.fixture
def pair(app, make_user):
    ana = make_user(name="Ana Assigner")
    ben = make_user(name="Ben Busy")
    org = make_org(app, ana, name="Bell Works")
    add_member(app, org, ben, "member")
    project = make_project(app, org, name="Launch")
    task = make_task(app, project, ana, title="Write the release notes")
    return ana, ben, org, task


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE], ids=["1280", "390"])
def test_an_assignee_sees_the_bell_count_opens_it_and_the_count_goes(
    open_page, live_server, worker, inbox, pair, viewport
):
    ana, ben, org, task = pair
    ben_page = open_page(viewport=viewport)
    ben_page.goto("/login")
    sign_in(ben_page, ben.email, PASSWORD)
    expect(ben_page.get_by_role("heading", name="Hello, Ben Busy")).to_be_visible()
    expect(bell_count(ben_page)).to_be_hidden()

    ana_page = open_page(viewport={"width": 1280, "height": 800})
    ana_page.goto("/login")
    sign_in(ana_page, ana.email, PASSWORD)
    ana_page.goto(f"/o/{org.slug}/tasks/{task.id}")
    ana_page.get_by_label("Assignee").select_option(label="Ben Busy")
    ana_page.get_by_role("button", name="Save task").click()
    expect(ana_page.get_by_role("alert")).to_contain_text("Task saved.")
    expect(bell_count(ana_page)).to_be_hidden()  # nobody hears of their own action

    ben_page.reload()
    expect(bell_count(ben_page)).to_have_text("1 unread")
    # The bell stays in view on a phone, outside the collapsed menu.
    ben_page.get_by_role("link", name="Notifications").click()
    menu = ben_page.locator("#tm-bell-menu")
    item = menu.get_by_role("link", name="Write the release notes")
    expect(item).to_be_visible()
    expect(item).to_contain_text("Ana Assigner assigned you")
    expect(bell_count(ben_page)).to_be_hidden()
    item.click()
    expect(ben_page.get_by_role("heading", name="Write the release notes")).to_be_visible()
    expect(ben_page.get_by_role("button", name="Following")).to_be_visible()
    expect(bell_count(ben_page)).to_be_hidden()

    (email,) = inbox.wait_for(lambda m: ben.email in str(m["To"]))
    assert str(email["Subject"]) == "Ana Assigner assigned you: Write the release notes"


def test_without_javascript_the_bell_is_a_link_to_the_list(open_page, live_server, pair, app):
    ana, ben, org, task = pair
    make_task(app, make_project(app, org, name="Docs"), ana, title="Proofread", assignee_id=ben.id)
    page = open_page(java_script_enabled=False, viewport={"width": 1280, "height": 800})
    page.goto("/login")
    sign_in(page, ben.email, PASSWORD)
    expect(bell_count(page)).to_have_text("1 unread")
    page.get_by_role("link", name="Notifications").click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(page.get_by_role("link", name="Proofread")).to_contain_text("(new)")
    expect(bell_count(page)).to_be_hidden()

    page.goto(f"/o/{org.slug}/tasks/{task.id}")
    page.get_by_role("button", name="Follow").click()
    expect(page.get_by_role("alert")).to_contain_text("You follow this task")
    expect(page.get_by_role("button", name="Following")).to_be_visible()
