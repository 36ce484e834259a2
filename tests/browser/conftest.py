"""Browser fixtures: the app on a live loopback server, Debian's Chromium through Playwright.

One Chromium for the browser tests, a fresh context (cookies, storage, viewport) per page.
When a test fails, every page it opened leaves a screenshot, its HTML and its console
messages in ``test-artifacts/``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser
from playwright.sync_api import BrowserContext
from playwright.sync_api import Page
from playwright.sync_api import expect
from playwright.sync_api import sync_playwright

from tests.support.live_server import LiveServer

CHROMIUM = os.environ.get("TASKMANAGER_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # containers and CI runners often forbid the sandbox's namespaces
    "--disable-gpu",
    # No calls home: the machine may have no internet, and the tests must not need it.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Docker's default /dev/shm is 64 MB, too small for Chromium's shared memory.
    "--disable-dev-shm-usage",
]
# Bounded waits: long enough for a loaded 2-core machine, short enough to fail clearly.
ACTION_TIMEOUT_MS = 15_000
EXPECT_TIMEOUT_MS = 10_000

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test item, so fixtures can tell it failed."""
    report: pytest.TestReport = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _failed(item: pytest.Item) -> bool:
    reports = item.stash.get(_REPORTS, {})
    return any(report.failed for report in reports.values())


@pytest.fixture
def live_server(committed_app: Flask) -> Iterator[LiveServer]:
    """``committed_app`` served on a free 127.0.0.1 port until the test ends."""
    with LiveServer(committed_app) as server:
        yield server


# Package scope (tests/browser/ is a package for that), not session: while
# Playwright's sync API runs, its event loop counts as running in this thread, and
# asyncio.run() in any later test on the same xdist worker would fail. The browser
# tests are one xdist group, run one after another, so the package's teardown stops
# it right after the last of them. Not per module either: starting Playwright's
# driver and Chromium for each of the 16 modules cost 1-2 s each.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        raise RuntimeError(
            f"Chromium is not at {CHROMIUM}: run scripts/ensure-system.sh "
            "(apt-get install chromium) or set TASKMANAGER_TEST_CHROMIUM to its path."
        )
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    # Playwright's bundled driver talks to the system Chromium: no `playwright install`,
    # no download.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Console:
    """What a page logged and which script errors it raised, for failure artifacts."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("console", lambda message: self.lines.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: self.lines.append(f"pageerror: {error}"))


@pytest.fixture
def open_page(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context; keyword arguments configure the context.

    ``open_page(viewport={"width": 390, "height": 844})`` is a phone,
    ``open_page(java_script_enabled=False)`` a browser without JavaScript. Relative
    URLs (``page.goto("/login")``) go to the live server.
    """
    opened: list[tuple[BrowserContext, Console]] = []

    def open_(**options: Any) -> Page:
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        console = Console()
        context.on("page", console.watch)
        opened.append((context, console))
        return context.new_page()

    yield open_
    try:
        if _failed(request.node):
            _keep_artifacts(request.node, opened, request.config.rootpath / "test-artifacts")
    finally:
        for context, _ in opened:
            context.close()


@pytest.fixture
def page(open_page: Callable[..., Page]) -> Page:
    """A page on the live server in a desktop-size browser window."""
    return open_page(viewport={"width": 1280, "height": 800})


def _keep_artifacts(
    item: pytest.Item, opened: list[tuple[BrowserContext, Console]], folder: Path
) -> None:
    folder.mkdir(exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", item.nodeid).strip("_")
    for c, (context, console) in enumerate(opened):
        for p, page in enumerate(context.pages):
            base = folder / f"{stem}-{c}{p}"
            page.screenshot(path=f"{base}.png", full_page=True)
            Path(f"{base}.html").write_text(page.content(), encoding="utf-8")
            Path(f"{base}.console.txt").write_text(
                f"url: {page.url}\n" + "\n".join(console.lines) + "\n", encoding="utf-8"
            )
            # Shown under "Captured stdout teardown" in the failure report.
            print(f"browser artifacts: {base}.png, .html, .console.txt")
