"""The team journey in a real browser: organization, project, tasks, board, comments.

Moving a card uses real drag and drop (HTML5 events, posted by htmx); the result is
checked after a reload, so it is what the server stored, not what the page shows.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.test_account_journey import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def column(page: Page, name: str):
    return page.get_by_role("region", name=name)


def test_a_team_lead_organizes_work_on_the_board_and_discusses_it(page, live_server, make_user):
    lead = make_user(name="Lena Lead")
    page.goto("/login")
    sign_in(page, lead.email, PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Lena Lead")).to_be_visible()

    page.get_by_role("link", name="Create an organization").click()
    page.get_by_label("Name").fill("Orbit Labs")
    page.get_by_role("button", name="Create organization").click()
    expect(page.get_by_role("heading", name="Orbit Labs")).to_be_visible()

    page.get_by_label("Project name").fill("Rocket")
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("heading", name="Rocket")).to_be_visible()
    for title in ("Design the fins", "Order the fuel"):
        page.get_by_label("New task title").fill(title)
        page.get_by_role("button", name="Add task").click()
        expect(page.get_by_role("link", name=title)).to_be_visible()

    page.get_by_role("link", name="Board", exact=True).click()
    card = page.locator("article", has_text="Design the fins")
    expect(column(page, "To do").locator("article")).to_have_count(2)
    # The drop moves the card at once and saves in the background; reload only
    # once the save has answered, or the reload can cancel it.
    with page.expect_response(lambda r: "/move" in r.url and r.status == 200):
        card.drag_to(column(page, "In progress"))
    expect(
        column(page, "In progress").locator("article", has_text="Design the fins")
    ).to_be_visible()
    page.reload()
    expect(
        column(page, "In progress").locator("article", has_text="Design the fins")
    ).to_be_visible()
    expect(column(page, "To do").locator("article")).to_have_count(1)

    column(page, "In progress").get_by_role("link", name="Design the fins").click()
    page.get_by_label("Add a comment (Markdown)").fill("Fins need **carbon fibre**.")
    page.get_by_role("button", name="Comment").click()
    # The post redirects back to the task; reload only once it has landed,
    # or the reload races the navigation and the page is detached.
    comment = page.locator("#comments strong", has_text="carbon fibre")
    expect(comment).to_be_visible()
    page.reload()
    expect(comment).to_be_visible()
    history = page.get_by_role("heading", name="History").locator("..")
    expect(history).to_contain_text("Status: To do → In progress")


def test_moving_a_card_works_without_javascript(open_page, live_server, make_user, app):
    from tests.factories import make_org
    from tests.factories import make_project
    from tests.factories import make_task

    lead = make_user()
    org = make_org(app, lead, name="Plain HTML")
    project = make_project(app, org, name="Basics")
    make_task(app, project, lead, title="No script needed")
    page = open_page(java_script_enabled=False)
    page.goto("/login")
    sign_in(page, lead.email, PASSWORD)
    page.goto(f"/o/{org.slug}/projects/{project.id}/board")
    card = page.locator("article", has_text="No script needed")
    card.locator("summary").click()  # the card's menu: a <details>, no script needed
    card.get_by_role("button", name="Done").click()
    expect(column(page, "Done").locator("article", has_text="No script needed")).to_be_visible()
