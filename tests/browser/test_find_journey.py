"""Finding work in a real browser: the navigation search as you type, and saved views.

Screenshots of the search results and of a project's view row, at 1280 and 390 px, are
kept in ``test-artifacts/`` (pass or fail) to look at.
"""

from __future__ import annotations

from pathlib import Path

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
from tests.support.content import add_comment
from tests.support.content import archive

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def teams(app, make_user):
    """Lena in two organizations (an archived project in one), and one she is not in."""
    lead = make_user(name="Lena Lead")
    orbit = make_org(app, lead, name="Orbit Labs")
    rocket = make_project(app, orbit, name="Rocket")
    make_task(app, rocket, lead, title="Redesign the homepage", priority="high",
              description="Hero image, pricing table and the signup form.")  # fmt: skip
    make_task(app, rocket, lead, title="Order the fuel", assignee_id=lead.id)
    sync = make_task(app, rocket, lead, title="Weekly sync")
    add_comment(app, sync, lead, "The homepage copy needs a second pass")
    boss = make_user(name="Gus Globex")
    globex = make_org(app, boss, name="Globex")
    add_member(app, globex, lead, "member")
    old = make_project(app, globex, name="Old site")
    make_task(app, old, boss, title="Archive the homepage banners")
    archive(app, old)
    stranger = make_user()
    beta = make_org(app, stranger, name="Beta")
    make_task(app, make_project(app, beta, name="Secret"), stranger, title="Secret homepage")
    return lead, orbit, rocket


def shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def signed_in(open_page, lead, **options) -> Page:
    page = open_page(**options)
    page.goto("/login")
    sign_in(page, lead.email, PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Lena Lead")).to_be_visible()
    return page


def test_typing_in_the_nav_search_shows_grouped_results_and_opens_one(open_page, teams):
    lead, _, _ = teams
    page = signed_in(open_page, lead, viewport={"width": 1280, "height": 800})
    box = page.locator("#nav-search")
    box.press_sequentially("homepag", delay=30)
    live = page.locator("#nav-search-results")
    expect(live.get_by_role("link", name="Redesign the homepage")).to_be_visible()
    expect(live).to_contain_text("Orbit Labs \u203a")
    expect(live).to_contain_text("Globex \u203a")
    expect(live).to_contain_text("archived")
    expect(live).not_to_contain_text("Secret")
    expect(live.locator("mark").first).to_have_text("homepage")
    shoot(page, "search-live-1280")

    box.press("Enter")  # the plain form: the full results page
    expect(page.get_by_role("heading", name="Search")).to_be_visible()
    expect(page.get_by_text("3 tasks match")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Comment: The homepage copy")
    shoot(page, "search-results-1280")
    page.locator("main").get_by_role("link", name="Redesign the homepage").click()
    expect(page.get_by_role("heading", name="Redesign the homepage")).to_be_visible()


def test_the_search_works_on_a_phone_and_without_javascript(open_page, teams):
    lead, _, _ = teams
    phone = signed_in(open_page, lead, viewport=PHONE)
    phone.locator("#nav-search").fill("homepage")
    phone.locator("#nav-search").press("Enter")
    expect(phone.get_by_text("3 tasks match")).to_be_visible()
    shoot(phone, "search-results-390")
    plain = signed_in(open_page, lead, java_script_enabled=False)
    plain.locator("#nav-search").fill("fuel")
    plain.locator("#nav-search").press("Enter")
    expect(plain.locator("main").get_by_role("link", name="Order the fuel")).to_be_visible()


def test_a_saved_view_is_one_click_from_the_project_page(open_page, teams):
    lead, orbit, rocket = teams
    page = signed_in(open_page, lead, viewport={"width": 1280, "height": 800})
    page.goto(f"/o/{orbit.slug}/projects/{rocket.id}?q=homepage")
    page.get_by_role("link", name="Save as view…").click()
    page.get_by_label("Name").fill("Homepage work")
    page.get_by_label(f"Share with everyone in {orbit.name}").check()
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_text("View “Homepage work” saved.")).to_be_visible()

    page.goto(f"/o/{orbit.slug}/projects/{rocket.id}")  # unfiltered again
    expect(page.get_by_role("link", name="Order the fuel")).to_be_visible()
    views = page.get_by_role("navigation", name="Saved views")
    views.get_by_role("link", name="Homepage work").click()
    expect(page.get_by_role("link", name="Redesign the homepage")).to_be_visible()
    expect(page.get_by_role("link", name="Order the fuel")).to_have_count(0)
    shoot(page, "saved-views-1280")

    phone = signed_in(open_page, lead, viewport=PHONE)
    phone.goto(page.url)
    expect(phone.get_by_role("navigation", name="Saved views")).to_be_visible()
    shoot(phone, "saved-views-390")
    phone.get_by_role("link", name="My tasks").first.click()
    expect(phone.get_by_role("heading", name="My tasks")).to_be_visible()
    expect(phone.get_by_role("link", name="Order the fuel")).to_be_visible()
    shoot(phone, "my-tasks-390")
