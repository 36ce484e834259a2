"""Fast entry in a real browser: quick-add, edits in the list, shortcuts, management, confirmations.

"Without reload" is asserted from the page's navigation events: an htmx swap
navigates nowhere, a form post would.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.test_account_journey import sign_in
from tests.factories import PASSWORD
from tests.factories import add_member
from tests.factories import make_label
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
PHONE = {"width": 390, "height": 844}


def settled(editor):
    """The swapped-in cell editor is focused and htmx listens to its form.

    Focus alone is not enough: Chrome autofocuses an inserted ``autofocus`` field at the
    next frame, and htmx attaches the form's ``change`` trigger in its settle step, 20 ms
    after the swap; a choice made in between sends nothing (1 run in 5-8 here). htmx
    removes ``htmx-added`` from the new row in the same step that processes it.
    """
    expect(editor).to_be_focused()
    row = editor.locator("xpath=ancestor::tr[1]")
    expect(row).not_to_have_class(re.compile(r"\bhtmx-added\b"))


@pytest.fixture
def world(app, make_user):
    lead = make_user(name="Lena Lead")
    org = make_org(app, lead, name="Orbit Labs")
    add_member(app, org, make_user(name="Ana Lima"), "member")
    make_label(app, org, name="bug")
    project = make_project(app, org, name="Rocket")
    make_task(app, project, lead, title="Design the fins")
    return lead, org, project


def open_project(page: Page, lead, org, project) -> None:
    page.goto("/login")
    sign_in(page, lead.email, PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Lena Lead")).to_be_visible()
    page.goto(f"/o/{org.slug}/projects/{project.id}")


def navigations(page: Page) -> list[str]:
    seen: list[str] = []
    page.on(
        "framenavigated", lambda frame: seen.append(frame.url) if frame == page.main_frame else None
    )
    return seen


def test_quick_add_and_inline_edits_happen_without_a_reload(page, live_server, world):
    lead, org, project = world
    open_project(page, lead, org, project)
    moved = navigations(page)

    page.keyboard.press("c")
    expect(page.get_by_label("Quick add")).to_be_focused()
    page.keyboard.type("Order the fuel !high #bug @ana 2026-12-24")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Task added: “Order the fuel”: high")
    row = page.locator("tr", has_text="Order the fuel")
    expect(row).to_contain_text("Ana Lima")
    expect(row).to_contain_text("bug")
    expect(row).to_contain_text("Dec 24")
    expect(page.get_by_label("Quick add")).to_be_focused()  # ready for the next one
    expect(page.get_by_label("Quick add")).to_have_value("")

    row.get_by_role("link", name=re.compile(r"^Change status: .*To do")).click()
    editor = page.get_by_label("Status of Order the fuel", exact=True)
    settled(editor)
    editor.select_option("in_progress")
    expect(
        row.get_by_role("link", name=re.compile(r"^Change status: .*In progress"))
    ).to_be_visible()

    row.get_by_role("link", name=re.compile(r"^Change assignee: .*Ana Lima")).click()
    editor = page.get_by_label("Assignee of Order the fuel", exact=True)
    settled(editor)
    editor.select_option(label="Lena Lead")
    # The link, not the text: the open select lists Lena Lead too.
    expect(
        row.get_by_role("link", name=re.compile(r"^Change assignee: .*Lena Lead"))
    ).to_be_visible()

    row.get_by_role("link", name=re.compile(r"^Change priority: .*High")).click()
    editor = page.get_by_label("Priority of Order the fuel", exact=True)
    settled(editor)
    editor.select_option("urgent")
    expect(row.get_by_role("link", name=re.compile(r"^Change priority: .*Urgent"))).to_be_visible()

    row.get_by_role("link", name=re.compile(r"^Change due date: .*Dec 24")).click()
    editor = page.get_by_label("Due date of Order the fuel", exact=True)
    settled(editor)
    editor.fill("2026-12-31")
    expect(row.get_by_role("link", name=re.compile(r"^Change due date: .*Dec 31"))).to_be_visible()

    # Escape puts a row back untouched.
    row.get_by_role("link", name=re.compile(r"^Change status: .*In progress")).click()
    expect(page.get_by_label("Status of Order the fuel", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(
        row.get_by_role("link", name=re.compile(r"^Change status: .*In progress"))
    ).to_be_visible()

    assert moved == [], f"the page navigated: {moved}"
    page.reload()
    row = page.locator("tr", has_text="Order the fuel")
    expect(row).to_contain_text("In progress")
    expect(row).to_contain_text("Urgent")
    expect(row).to_contain_text("Lena Lead")
    expect(row).to_contain_text("Dec 31")


def test_a_refused_quick_add_says_why_and_keeps_the_text(page, live_server, world):
    lead, org, project = world
    open_project(page, lead, org, project)
    box = page.get_by_label("Quick add")
    box.fill("Paint it @nobody")
    box.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text(
        "No member's name or email starts with “nobody”"
    )
    expect(page.get_by_label("Quick add")).to_have_value("Paint it @nobody")


def test_a_teammates_change_in_between_is_reported_not_overwritten(page, live_server, world, app):
    lead, org, project = world
    open_project(page, lead, org, project)
    row = page.locator("tr", has_text="Design the fins")
    row.get_by_role("link", name=re.compile(r"^Change status: .*To do")).click()
    # Meanwhile a teammate finishes the task.
    from taskmanager import tenancy
    from taskmanager.extensions import db
    from taskmanager.orgs.services import member
    from taskmanager.tasks import services
    from taskmanager.tasks.models import Task
    from taskmanager.tasks.schemas import TaskUpdate

    with app.app_context(), tenancy.system():
        task = db.session.query(Task).filter_by(title="Design the fins").one()
        services.update_task(
            actor=member(org.id, lead.id), task=task, data=TaskUpdate(status="done")
        )
    editor = page.get_by_label("Status of Design the fins", exact=True)
    settled(editor)
    editor.select_option("in_progress")
    expect(row.get_by_role("alert")).to_contain_text("someone else changed this task")
    expect(row.get_by_role("link", name=re.compile(r"^Change status: .*Done"))).to_be_visible()


def test_an_edit_that_fails_in_place_says_so_and_what_to_do(page, live_server, world, app):
    lead, org, project = world
    make_task(app, project, lead, title="Order the fuel")
    open_project(page, lead, org, project)
    row = page.locator("tr", has_text="Design the fins")
    row.get_by_role("link", name=re.compile(r"^Change status: .*To do")).click()
    editor = page.get_by_label("Status of Design the fins", exact=True)
    settled(editor)  # the editor is open before the task goes, or its own GET would 404
    # Meanwhile a teammate deletes the task: the edit answers 404, which no part of
    # the row can show.
    from taskmanager import tenancy
    from taskmanager.extensions import db
    from taskmanager.orgs.services import member
    from taskmanager.tasks import services
    from taskmanager.tasks.models import Task

    with app.app_context(), tenancy.system():
        task = db.session.query(Task).filter_by(title="Design the fins").one()
        services.delete_task(actor=member(org.id, lead.id), task=task)
    editor.select_option("in_progress")
    notice = page.locator("#tm-failures [data-failure]")
    expect(notice).to_contain_text("The change was not saved. This item no longer exists")
    expect(notice).to_contain_text("Reference: ")
    notice.get_by_role("button", name="Close").click()
    expect(notice).to_have_count(0)

    # The server cannot be reached: the browser's request fails, nothing is saved.
    other = page.locator("tr", has_text="Order the fuel")
    other.get_by_role("link", name=re.compile(r"^Change priority: ")).click()
    editor = page.get_by_label("Priority of Order the fuel", exact=True)
    settled(editor)
    page.route("**/tasks/**", lambda route: route.abort("internetdisconnected"))
    editor.select_option("urgent")
    expect(notice).to_contain_text("The change was not saved. TaskManager could not be reached.")
    page.unroute("**/tasks/**")
    # The next request that works says the connection is back: the notice goes.
    page.keyboard.press("Escape")
    expect(other.get_by_role("link", name=re.compile(r"^Change priority: "))).to_be_visible()
    expect(notice).to_have_count(0)


def test_keyboard_shortcuts(page, live_server, world, app):
    lead, org, project = world
    make_task(app, project, lead, title="Order the fuel")
    open_project(page, lead, org, project)
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Add a task")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    page.keyboard.press("/")
    search = page.locator("#nav-search, .tm-filters input[name=q]").first
    expect(search).to_be_focused()
    page.keyboard.type("jk?")  # typing in a field fires nothing
    expect(search).to_have_value("jk?")
    expect(dialog).to_be_hidden()
    search.blur()

    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator("tr.tm-selected")).to_contain_text("Order the fuel")
    page.keyboard.press("k")
    expect(page.locator("tr.tm-selected")).to_contain_text("Design the fins")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Design the fins")).to_be_visible()


def test_rename_archive_and_delete_a_project_from_its_page(page, live_server, world):
    lead, org, project = world
    open_project(page, lead, org, project)
    page.get_by_text("Project settings").click()
    page.get_by_label("Name", exact=True).fill("Rocket 2")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="Rocket 2")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Project saved.")

    page.get_by_text("Project settings").click()
    page.get_by_role("button", name="Archive project").click()
    expect(page.get_by_role("alert")).to_contain_text("Project archived.")
    page.get_by_role("link", name="Rocket 2").click()
    expect(page.get_by_text("archived", exact=True)).to_be_visible()
    expect(page.get_by_label("Quick add")).to_have_count(0)

    page.get_by_text("Project settings").click()
    page.get_by_label("type its name").fill("rocket 2")
    page.get_by_role("button", name="Delete project").click()
    expect(page.get_by_role("alert")).to_contain_text(
        'Type the project name "Rocket 2" to confirm.'
    )
    page.get_by_text("Project settings").click()
    page.get_by_label("type its name").fill("Rocket 2")
    page.get_by_role("button", name="Delete project").click()
    expect(page.get_by_role("alert")).to_contain_text("Project Rocket 2 deleted.")
    expect(page.get_by_role("heading", name="Orbit Labs")).to_be_visible()


def test_deleting_a_task_asks_first_and_cancel_keeps_it(page, live_server, world):
    lead, org, project = world
    open_project(page, lead, org, project)
    page.get_by_role("link", name="Design the fins", exact=True).click()
    page.get_by_role("link", name="Delete task…").click()
    expect(page.get_by_role("heading", name="Delete the task “Design the fins”?")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", name="Design the fins")).to_be_visible()
    page.get_by_role("link", name="Delete task…").click()
    page.get_by_role("button", name="Delete task").click()
    expect(page.get_by_role("alert")).to_contain_text("deleted")
    expect(page.get_by_role("link", name="Design the fins", exact=True)).to_have_count(0)


def test_a_label_is_edited_and_deleted_after_a_question(page, live_server, world):
    lead, org, _ = world
    page.goto("/login")
    sign_in(page, lead.email, PASSWORD)
    page.goto(f"/o/{org.slug}")
    page.get_by_label("Edit label bug").click()
    page.get_by_label("Name of label bug").fill("defect")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Label saved.")
    page.get_by_label("Edit label defect").click()
    page.get_by_role("link", name="Delete…").click()
    expect(page.get_by_role("heading", name="Delete the label “defect”?")).to_be_visible()
    page.get_by_role("button", name="Delete label").click()
    expect(page.get_by_role("alert")).to_contain_text("Label deleted.")


def test_the_list_and_quick_add_work_without_javascript_and_on_a_phone(
    open_page, live_server, world
):
    lead, org, project = world
    page = open_page(java_script_enabled=False, viewport=PHONE)
    open_project(page, lead, org, project)
    page.get_by_label("Quick add").fill("Check the seals tomorrow")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Task added: “Check the seals”")
    # Without JavaScript an editable cell is a link to the task's page.
    page.locator("tr", has_text="Check the seals").get_by_role(
        "link", name="Change due date"
    ).click()
    expect(page.get_by_role("heading", name="Check the seals")).to_be_visible()
