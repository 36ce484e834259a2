"""Checklists and dependencies in a real browser: htmx swaps one section, the board shows
the progress and the "Blocked" mark; the same forms work without JavaScript."""

from __future__ import annotations

import os
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.test_account_journey import sign_in
from tests.factories import PASSWORD
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SCREENSHOT = os.environ.get("TASKMANAGER_TEST_SCREENSHOTS")


def _setup(page: Page, app: Flask, make_user: Any) -> tuple[Any, Any, Any]:
    owner = make_user(name="Bree Breakdown")
    org = make_org(app, owner, name="Steps Inc")
    project = make_project(app, org, name="Launch")
    task = make_task(app, project, owner, title="Ship the site")
    make_task(app, make_project(app, org, name="Design"), owner, title="Pick the colours")
    page.goto("/login")
    sign_in(page, owner.email, PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Bree Breakdown")).to_be_visible()
    return org, project, task


def _shoot(page: Page, name: str) -> None:
    if SCREENSHOT:
        page.screenshot(path=os.path.join(SCREENSHOT, name), full_page=True)


def test_checklist_progress_and_a_blocker_reach_the_board(
    page: Page, live_server: Any, committed_app: Flask, make_user: Any
) -> None:
    org, project, task = _setup(page, committed_app, make_user)
    page.goto(f"/o/{org.slug}/tasks/{task.id}")
    checklist = page.locator("#checklist")
    for title in ("Write the copy", "Proofread"):
        page.get_by_label("New item").fill(title)
        page.get_by_role("button", name="Add to checklist").click()
        expect(checklist.get_by_text(title, exact=True)).to_be_visible()
    expect(checklist.locator("[data-progress]")).to_have_text("0/2")
    # htmx swapped the section only: no flash banner, the page never reloaded.
    expect(page.get_by_role("alert")).to_have_count(0)
    page.get_by_role("button", name="Tick off Write the copy").click()
    expect(checklist.locator("[data-progress]")).to_have_text("1/2")
    expect(page.locator("#history")).to_contain_text("ticked off Write the copy")

    page.get_by_label("Find a task to link").fill("colours")
    page.get_by_role("button", name="Find", exact=True).click()
    page.get_by_role("button", name="Pick the colours blocks this task").click()
    dependencies = page.locator("#dependencies")
    expect(dependencies.locator("[data-blocked]")).to_have_text("Blocked")
    expect(dependencies.get_by_role("link", name="Pick the colours")).to_be_visible()
    _shoot(page, "breakdown-task-1280.png")

    page.goto(f"/o/{org.slug}/projects/{project.id}/board")
    card = page.locator(f"#task-{task.id}")
    expect(card.locator("[data-checklist-progress]")).to_contain_text("1/2")
    expect(card.locator("[data-blocked]")).to_have_text("Blocked")
    _shoot(page, "breakdown-board-1280.png")
    page.goto(f"/o/{org.slug}/projects/{project.id}")
    expect(page.locator("[data-checklist-progress]")).to_contain_text("1/2")
    _shoot(page, "breakdown-list-1280.png")


def test_a_loop_is_explained_in_place_and_phones_fit(
    open_page: Any, live_server: Any, committed_app: Flask, make_user: Any
) -> None:
    page = open_page(viewport={"width": 390, "height": 844})
    org, _, task = _setup(page, committed_app, make_user)
    page.goto(f"/o/{org.slug}/tasks/{task.id}")
    page.get_by_label("Find a task to link").fill("colours")
    page.get_by_role("button", name="Find", exact=True).click()
    page.get_by_role("button", name="This task blocks Pick the colours").click()
    expect(page.locator("#dependencies [data-blocks]")).to_contain_text("Pick the colours")
    page.get_by_label("Find a task to link").fill("colours")
    page.get_by_role("button", name="Find", exact=True).click()
    page.get_by_role("button", name="Pick the colours blocks this task").click()
    expect(page.locator("#dependencies").get_by_role("alert")).to_contain_text(
        "That would make a loop: “Pick the colours” blocks “Ship the site” blocks "
        "“Pick the colours”"
    )
    page.get_by_label("New item").fill("Check on a phone")
    page.get_by_role("button", name="Add to checklist").click()
    expect(page.locator("#checklist [data-progress]")).to_have_text("0/1")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the task page scrolls sideways on a phone ({width}px)"
    _shoot(page, "breakdown-task-390.png")


def test_without_javascript_the_forms_still_work(
    open_page: Any, live_server: Any, committed_app: Flask, make_user: Any
) -> None:
    page = open_page(java_script_enabled=False, viewport={"width": 1280, "height": 800})
    org, _, task = _setup(page, committed_app, make_user)
    page.goto(f"/o/{org.slug}/tasks/{task.id}")
    page.get_by_label("New item").fill("Plain form step")
    page.get_by_role("button", name="Add to checklist").click()
    expect(page.get_by_role("alert")).to_contain_text("Checklist item added.")
    page.get_by_role("button", name="Tick off Plain form step").click()
    expect(page.locator("#checklist [data-progress]")).to_have_text("1/1")
    page.get_by_label("Find a task to link").fill("colours")
    page.get_by_role("button", name="Find", exact=True).click()
    page.get_by_role("button", name="Pick the colours blocks this task").click()
    expect(page.get_by_role("alert").first).to_contain_text("now blocks “Ship the site”")
    expect(page.locator("#dependencies [data-blocked]")).to_have_text("Blocked")
