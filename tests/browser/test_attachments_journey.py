"""Attachments in a real browser: pick or drop files, watch them upload, see the
thumbnail, download; and the same form without JavaScript."""

from __future__ import annotations

import os
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.attachments.conftest import png
from tests.browser.test_account_journey import sign_in
from tests.factories import PASSWORD
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SCREENSHOT = os.environ.get("TASKMANAGER_TEST_SCREENSHOTS")


def _task_page(page: Page, app: Flask, make_user: Any) -> str:
    owner = make_user(name="Ada Attach")
    org = make_org(app, owner, name="Files Inc")
    task = make_task(app, make_project(app, org, name="Launch"), owner, title="Press kit")
    page.goto("/login")
    sign_in(page, owner.email, PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Ada Attach")).to_be_visible()
    url = f"/o/{org.slug}/tasks/{task.id}"
    page.goto(url)
    return url


def test_a_member_uploads_files_sees_the_thumbnail_and_downloads_one(
    page: Page, live_server: Any, committed_app: Flask, make_user: Any
) -> None:
    _task_page(page, committed_app, make_user)
    expect(page.get_by_text("No attachments yet.")).to_be_visible()
    page.get_by_label("Attach files").set_input_files(
        [
            {"name": "logo.png", "mimeType": "image/png", "buffer": png(64, 48)},
            {"name": "brief.txt", "mimeType": "text/plain", "buffer": b"The press brief.\n"},
        ]
    )
    page.get_by_role("button", name="Upload").click()
    # Each file gets a progress bar; when all are in, the page shows them from the server.
    thumbnail = page.get_by_role("img", name="Preview of logo.png")
    expect(thumbnail).to_be_visible()
    # Visible comes before loaded: wait for the image's bytes, then check they decoded.
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    assert thumbnail.evaluate("img => img.naturalWidth") == 64
    expect(page.get_by_role("link", name="brief.txt")).to_be_visible()

    with page.expect_download() as info:
        page.get_by_role("link", name="brief.txt").click()
    download = info.value
    assert download.suggested_filename == "brief.txt"
    with open(download.path(), "rb") as saved:
        assert saved.read() == b"The press brief.\n"

    # Dropping a file anywhere on the page attaches it too.
    page.evaluate(
        """() => {
            const data = new DataTransfer();
            data.items.add(new File(["dropped words"], "dropped.txt", {type: "text/plain"}));
            document.body.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true,
                                                               cancelable: true}));
        }"""
    )
    expect(page.get_by_role("link", name="dropped.txt")).to_be_visible()
    expect(page.locator("#attachments li[id^=attachment-]")).to_have_count(3)
    if SCREENSHOT:
        page.screenshot(path=os.path.join(SCREENSHOT, "task-attachments.png"), full_page=True)


def test_the_upload_form_works_without_javascript(
    open_page: Any, live_server: Any, committed_app: Flask, make_user: Any
) -> None:
    page = open_page(java_script_enabled=False, viewport={"width": 1280, "height": 800})
    _task_page(page, committed_app, make_user)
    page.get_by_label("Attach files").set_input_files(
        [{"name": "plan.txt", "mimeType": "text/plain", "buffer": b"step one\n"}]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Attached plan.txt.")).to_be_visible()
    expect(page.get_by_role("link", name="plan.txt")).to_be_visible()
