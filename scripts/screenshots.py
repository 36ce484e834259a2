"""Screenshots of the main pages, signed in as the demo user, at 1280 and 390 px.

Run it against a server started by ``make run`` (or any server with the demo data):

    .venv/bin/python scripts/screenshots.py --out docs/screenshots/after

It follows the demo's own links (the first organization, its first project, a task)
rather than hard-coding ids, so it works on any database the demo seeded.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from playwright.sync_api import Page
from playwright.sync_api import sync_playwright

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "correct horse battery staple"  # noqa: S105 - the demo's published login
WIDTHS = (1280, 390)


def first_link(page: Page, pattern: str) -> str | None:
    """The first href on the page matching ``pattern`` (a regular expression)."""
    for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
        if re.search(pattern, href):
            return str(href)
    return None


def discover(page: Page, base: str) -> dict[str, str]:
    """Name -> URL of the pages worth a picture, found by following links."""
    pages = {"dashboard": f"{base}/dashboard"}
    page.goto(pages["dashboard"])
    org = first_link(page, r"/o/[^/]+$")
    if org:
        pages["organization"] = org
        page.goto(org)
        project = first_link(page, r"/projects/\d+$")
        if project:
            pages["project-list"] = project
            pages["board"] = f"{project}/board"
            page.goto(project)
            task = first_link(page, r"/tasks/\d+$")
            if task:
                pages["task"] = task
    pages["settings"] = f"{base}/settings"
    pages["api-docs"] = f"{base}/api/docs"
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:5000")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/login")
        page.fill("input[name=email]", DEMO_EMAIL)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_load_state()
        for name, url in discover(page, base).items():
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(url)
                page.wait_for_load_state("networkidle")
                path = args.out / f"{name}-{width}.png"
                page.screenshot(path=str(path), full_page=width == 390 and name != "api-docs")
                print(path)
        browser.close()


if __name__ == "__main__":
    main()
