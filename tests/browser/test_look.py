"""The look of the pages: dark mode from the system setting, phones, colour and empty states.

Each test opens the page the way a user would and checks what they see: the computed
colours, what is inside the viewport, the words an empty page says.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Locator
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.test_account_journey import PHONE
from tests.browser.test_account_journey import sign_in
from tests.factories import PASSWORD
from tests.factories import make_label
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def background(page: Page, target: str | Locator = "body") -> str:
    locator = page.locator(target) if isinstance(target, str) else target
    return locator.first.evaluate("e => getComputedStyle(e).backgroundColor")


def brightness(rgb: str) -> int:
    """Sum of the red, green and blue channels of an ``rgb(r, g, b)`` colour."""
    return sum(int(part) for part in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])


@pytest.fixture
def team(app, make_user):
    """A signed-up lead with an organization, a project, a label and tasks in two columns."""
    from taskmanager.db import utcnow

    lead = make_user(name="Lena Lead")
    org = make_org(app, lead, name="Orbit Labs")
    project = make_project(app, org, name="Rocket")
    fuel = make_label(app, org, name="fuel", color="#fd7e14")
    make_task(
        app,
        project,
        lead,
        title="Order the fuel",
        due_at=utcnow() + timedelta(days=3),
        label_ids=[fuel.id],
        priority="urgent",
    )
    make_task(app, project, lead, title="Paint the fins", due_at=utcnow() - timedelta(days=2))
    return lead, org, project


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_follow_the_systems_light_or_dark_setting(open_page, scheme):
    page = open_page(color_scheme=scheme, viewport={"width": 1280, "height": 800})
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)
    lightness = brightness(background(page))
    if scheme == "dark":
        assert lightness < 3 * 80, f"a dark page has a dark background, not {background(page)}"
    else:
        assert lightness > 3 * 200, f"a light page has a light background, not {background(page)}"


def test_dark_mode_follows_a_change_of_the_system_setting_without_a_reload(open_page):
    page = open_page(color_scheme="light")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "light")
    page.emulate_media(color_scheme="dark")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")


def test_on_a_phone_the_task_list_keeps_due_dates_and_labels_on_screen(open_page, team):
    lead, org, project = team
    page = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto("/login")
    sign_in(page, lead.email, PASSWORD)
    page.goto(f"/o/{org.slug}/projects/{project.id}")
    row = page.get_by_role("row").filter(has_text="Order the fuel")
    # The project's header (views, quick add) fills the first screen of a phone, so the
    # list is scrolled to: what counts is that nothing of a row is cut off sideways.
    row.scroll_into_view_if_needed()
    # The row holds each label twice, for phones and for wider screens; one shows.
    expect(row.locator(".tm-label:visible", has_text="fuel")).to_be_in_viewport(ratio=1)
    expect(row.locator(".tm-due")).to_be_in_viewport(ratio=1)
    expect(row.locator(".tm-pill:visible", has_text="Urgent")).to_be_in_viewport(ratio=1)
    overdue = page.get_by_role("row").filter(has_text="Paint the fins").locator(".tm-due")
    overdue.scroll_into_view_if_needed()
    expect(overdue).to_contain_text("Overdue")
    expect(overdue).to_be_in_viewport(ratio=1)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px wide"


def test_on_a_phone_the_board_scrolls_sideways_one_column_at_a_time(open_page, team):
    lead, org, project = team
    page = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto("/login")
    sign_in(page, lead.email, PASSWORD)
    page.goto(f"/o/{org.slug}/projects/{project.id}/board")
    todo = page.get_by_role("region", name="To do")
    done = page.get_by_role("region", name="Done")
    expect(todo).to_be_in_viewport()
    todo_box, done_box = todo.bounding_box(), done.bounding_box()
    assert todo_box and done_box
    assert done_box["y"] == todo_box["y"], "columns stand side by side, not stacked"
    assert todo_box["width"] < PHONE["width"], "a column fits on the screen"
    expect(done).not_to_be_in_viewport()
    done.scroll_into_view_if_needed()
    expect(done).to_be_in_viewport()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "only the board scrolls sideways, not the whole page"


def test_status_and_priority_have_their_own_colours(page, team):
    lead, org, project = team
    page.goto("/login")
    sign_in(page, lead.email, PASSWORD)
    page.goto(f"/o/{org.slug}/projects/{project.id}")
    urgent = page.locator("tr:has-text('Order the fuel') .tm-priority-urgent:visible")
    normal = page.locator("tr:has-text('Paint the fins') .tm-priority-normal:visible")
    expect(urgent).to_have_text("Urgent")
    expect(normal).to_have_text("Normal")
    assert background(page, urgent) != background(page, normal)
    page.goto(f"/o/{org.slug}/projects/{project.id}/board")
    card = page.locator("article", has_text="Order the fuel")
    left = card.evaluate("e => getComputedStyle(e).borderLeftColor")
    plain = page.locator("article", has_text="Paint the fins")
    assert left != plain.evaluate("e => getComputedStyle(e).borderLeftColor"), (
        "an urgent card stands out from a normal one"
    )


def test_empty_pages_say_what_to_do_next(page, app, make_user):
    lead = make_user(name="Nina New")
    page.goto("/login")
    sign_in(page, lead.email, PASSWORD)
    expect(page.get_by_text("You are not in an organization yet.")).to_be_visible()
    org = make_org(app, lead, name="Fresh Start")
    page.goto(f"/o/{org.slug}")
    expect(page.locator("#projects")).to_contain_text("Name your first one below")
    project = make_project(app, org, name="Blank")
    page.goto(f"/o/{org.slug}/projects/{project.id}")
    expect(page.get_by_text("No tasks in this project yet.")).to_be_visible()
    expect(page.get_by_text("Add the first one with the form above")).to_be_visible()
    page.goto(f"/o/{org.slug}/projects/{project.id}?q=nothing-like-this")
    expect(page.get_by_text("No tasks match these filters.")).to_be_visible()
    expect(page.get_by_role("link", name="Clear the filters")).to_be_visible()
    page.goto(f"/o/{org.slug}/projects/{project.id}/board")
    expect(page.get_by_role("region", name="To do")).to_contain_text("Add a task above")
