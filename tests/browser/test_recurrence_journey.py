"""A repeating task in a real browser: htmx swaps the Repeat section, the ↻ mark reaches
the board, completing it brings the next occurrence; axe finds nothing serious."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from taskmanager.recurrence import jobs
from tests.browser.test_accessibility import LOOKS
from tests.browser.test_accessibility import describe
from tests.browser.test_accessibility import severe_violations
from tests.browser.test_account_journey import sign_in
from tests.factories import PASSWORD
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task
from tests.support.repeating import series_tasks

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.parametrize("look", ["desktop-dark", "phone"])
def test_a_task_repeats_weekly_and_its_next_occurrence_arrives(
    open_page: Any, live_server: Any, committed_app: Flask, make_user: Any, look: str
) -> None:
    owner = make_user(name="Rita Repeat")
    org = make_org(committed_app, owner, name="Rhythm")
    project = make_project(committed_app, org, name="Routines")
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    task = make_task(committed_app, project, owner, title="Water the plants", due_at=due)
    page = open_page(bypass_csp=True, **LOOKS[look])
    page.goto("/login")
    sign_in(page, owner.email, PASSWORD)
    page.goto(f"/o/{org.slug}/tasks/{task.id}")
    section = page.locator("#repeat")
    section.get_by_text("Make it repeat").click()
    section.get_by_label("How often").select_option("WEEKLY")
    section.get_by_role("checkbox", name="Mon").check()
    section.get_by_role("checkbox", name="Thu").check()
    section.get_by_role("button", name="Repeat", exact=True).click()
    expect(section.locator("[data-repeats]")).to_have_text("↻ Weekly on Mon, Thu")
    expect(page.get_by_role("alert")).to_have_count(0)  # only the section was swapped
    expect(page.locator("#history")).to_contain_text("Weekly on Mon, Thu")
    section.get_by_text("Change how it repeats").click()
    violations = severe_violations(page)
    assert not violations, describe(violations)

    page.goto(f"/o/{org.slug}/projects/{project.id}/board")
    expect(page.locator(f"#task-{task.id} [data-repeats]")).to_be_visible()
    page.goto(f"/o/{org.slug}/tasks/{task.id}")
    page.locator("#status").select_option("done")
    page.get_by_role("button", name="Save task").click()
    expect(page.locator("#repeat")).to_contain_text("The next occurrence is on its way")
    with committed_app.app_context():
        assert jobs.sweep_recurrences() == 1  # no worker here: the sweep stands in for it
    _, following = series_tasks(committed_app, project.id, "Water the plants")
    page.goto(f"/o/{org.slug}/projects/{project.id}/board")
    expect(page.locator(f"#task-{following.id} [data-repeats]")).to_be_visible()
    expect(page.locator(f"#task-{task.id} [data-repeats]")).to_have_count(0)
