"""The board in a real browser: a drop swaps the card in place (no page load), a
teammate's change appears without a reload, an idle board's poll is answered 304, and
axe finds no serious accessibility problem on a busy board."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.test_accessibility import LOOKS
from tests.browser.test_accessibility import describe
from tests.browser.test_accessibility import severe_violations
from tests.browser.test_account_journey import sign_in
from tests.factories import PASSWORD
from tests.factories import add_member
from tests.factories import make_label
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def quick_polls(committed_app) -> Iterator[None]:
    """Boards ask every second, so a test sees a change without waiting long."""
    before = committed_app.config["BOARD_POLL_SECONDS"]
    committed_app.config["BOARD_POLL_SECONDS"] = 1
    yield
    committed_app.config["BOARD_POLL_SECONDS"] = before


@pytest.fixture
def crew(app, make_user):
    from taskmanager.db import utcnow

    lead = make_user(name="Lena Lead")
    mate = make_user(name="Max Mate")
    org = make_org(app, lead, name="Orbit Labs")
    add_member(app, org, mate, "member")
    project = make_project(app, org, name="Rocket")
    fuel = make_label(app, org, name="fuel", color="#fd7e14")
    make_task(
        app, project, lead, title="Order the fuel", priority="urgent",
        due_at=utcnow() - timedelta(days=1), assignee_id=mate.id, label_ids=[fuel.id],
    )  # fmt: skip
    make_task(app, project, lead, title="Paint the fins", priority="high")
    return lead, mate, org, project


def column(page: Page, name: str):
    return page.get_by_role("region", name=name)


def open_board(page: Page, user, org, project) -> list[str]:
    """Sign in and open the board; the returned list collects later page loads."""
    page.goto("/login")
    sign_in(page, user.email, PASSWORD)
    expect(page.get_by_role("heading", name="Hello")).to_be_visible()
    page.goto(f"/o/{org.slug}/projects/{project.id}/board")
    expect(column(page, "To do")).to_be_visible()
    loads: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: loads.append(frame.url) if frame == page.main_frame else None,
    )
    return loads


def test_a_drop_moves_the_card_in_place_and_survives_a_reload(page, crew):
    lead, _, org, project = crew
    loads = open_board(page, lead, org, project)
    card = column(page, "To do").locator("article", has_text="Paint the fins")
    with page.expect_response(lambda r: "/move" in r.url and r.status == 200):
        card.drag_to(column(page, "In progress"))
    moved = column(page, "In progress").locator("article", has_text="Paint the fins")
    expect(moved).to_have_attribute("data-version", "2")  # the server's card, swapped in
    expect(page.locator("#count-in_progress")).to_contain_text("1")
    expect(page.locator("#count-todo")).to_contain_text("1")
    assert loads == [], f"the drop loaded a page: {loads}"
    page.reload()
    expect(
        column(page, "In progress").locator("article", has_text="Paint the fins")
    ).to_be_visible()
    expect(column(page, "To do").locator("article")).to_have_count(1)


def test_a_drop_on_a_filtered_board_lands_where_it_was_dropped(page, crew, app):
    # Filtered to Max's cards, "To do" shows the fuel and the seals; the fins (nobody's)
    # sit hidden between them, the nose hidden after them. Dropped on the top of the
    # seals, the tank must land just above the seals, not second among all the
    # column's cards (above the fins); dropped under the seals, the fuel must land just
    # below them, not behind the hidden nose.
    lead, mate, org, project = crew
    make_task(app, project, lead, title="Check the seals", assignee_id=mate.id)
    make_task(app, project, lead, title="Polish the nose")
    make_task(app, project, lead, title="Fill the tank", status="in_progress", assignee_id=mate.id)
    # Tall enough for the whole board: a drag that scrolls the page mid-way picks up
    # whatever card is under the pointer by then.
    page.set_viewport_size({"width": 1280, "height": 1400})
    open_board(page, lead, org, project)
    page.goto(f"/o/{org.slug}/projects/{project.id}/board?assignee={mate.id}")
    todo = column(page, "To do")
    expect(todo.locator("article")).to_have_count(2)
    tank = column(page, "In progress").locator("article", has_text="Fill the tank")
    seals = todo.locator("article", has_text="Check the seals")
    with page.expect_response(lambda r: "/move" in r.url and r.status == 200):
        tank.drag_to(seals, target_position={"x": 20, "y": 3})
    expect(todo.locator("article")).to_have_count(3)
    fuel = todo.locator("article", has_text="Order the fuel")
    box = seals.bounding_box()
    assert box is not None
    with page.expect_response(lambda r: "/move" in r.url and r.status == 200):
        fuel.drag_to(seals, target_position={"x": 20, "y": box["height"] - 3})
    expect(todo.locator("article").last).to_contain_text("Order the fuel")
    page.goto(f"/o/{org.slug}/projects/{project.id}/board")  # unfiltered
    cards = column(page, "To do").locator("article")
    expect(cards).to_have_count(5)
    names = ("Paint the fins", "Fill the tank", "Check the seals", "Order the fuel", "Polish")
    shown = [next(name for name in names if name in text) for text in cards.all_inner_texts()]
    assert shown == list(names)


def test_the_card_menu_moves_a_card_without_a_page_load(page, crew):
    lead, _, org, project = crew
    loads = open_board(page, lead, org, project)
    card = column(page, "To do").locator("article", has_text="Order the fuel")
    card.locator("summary").click()  # the card's "⋯" menu
    card.get_by_role("button", name="Done").click()
    expect(column(page, "Done").locator("article", has_text="Order the fuel")).to_have_attribute(
        "data-version", "2"
    )
    assert loads == []


def test_a_teammates_change_shows_up_without_a_reload(open_page, crew, quick_polls):
    lead, mate, org, project = crew
    watcher = open_page(viewport={"width": 1280, "height": 800})
    loads = open_board(watcher, lead, org, project)
    teammate = open_page(viewport={"width": 1280, "height": 800})
    open_board(teammate, mate, org, project)
    card = column(teammate, "To do").locator("article", has_text="Paint the fins")
    with teammate.expect_response(lambda r: "/move" in r.url and r.status == 200):
        card.drag_to(column(teammate, "Done"))
    expect(column(watcher, "Done").locator("article", has_text="Paint the fins")).to_be_visible()
    expect(column(watcher, "To do").locator("article", has_text="Paint the fins")).to_have_count(0)
    assert loads == [], f"the watcher's board reloaded: {loads}"


def test_an_idle_boards_poll_is_answered_304(page, crew, quick_polls):
    lead, _, org, project = crew
    with page.expect_response(lambda r: "/board/columns" in r.url, timeout=10_000) as polled:
        open_board(page, lead, org, project)
    assert polled.value.status == 304
    assert polled.value.request.headers.get("if-none-match", "").startswith('"')


def test_a_busy_board_has_no_serious_accessibility_violations(open_page, crew):
    lead, _, org, project = crew
    found = {}
    for look, options in LOOKS.items():
        page = open_page(bypass_csp=True, **options)
        open_board(page, lead, org, project)
        page.locator("article", has_text="Order the fuel").locator("summary").click()
        violations = severe_violations(page)
        if violations:
            found[look] = violations
    assert not found, "\n".join(f"{look}:\n{describe(v)}" for look, v in found.items())
