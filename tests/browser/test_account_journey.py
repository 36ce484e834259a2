"""The account journey in a real browser, clicked and typed the way a person would.

Chromium talks to the app on a live loopback server; the confirmation email goes
through the real Celery worker to the loopback SMTP server.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import ConsoleMessage
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.support.smtp import text_of

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

NEW_PASSWORD = "violet tractor orbit lantern"
PHONE = {"width": 390, "height": 844}


def sign_in(page: Page, email: str, password: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_newcomer_registers_confirms_signs_in_edits_profile_and_signs_out(
    page, live_server, worker, inbox
):
    email = "journey@example.com"
    page.goto("/")
    expect(page.get_by_role("heading", name="Welcome to TaskManager")).to_be_visible()

    page.get_by_role("navigation").get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", name="Register")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(
        page.get_by_role("alert"), "registering should say an email is on its way"
    ).to_contain_text("confirm", ignore_case=True)

    (message,) = inbox.wait_for(lambda m: email in str(m["To"]))
    found = re.search(r"http://\S+/confirm/\S+", text_of(message))
    assert found, f"no confirmation link in the email:\n{text_of(message)}"
    link = found.group(0)
    assert link.startswith(f"{live_server.url}/"), f"{link} does not lead to the live server"

    page.goto(link)
    expect(page.get_by_role("alert"), "the link should confirm the address").to_contain_text(
        "confirmed", ignore_case=True
    )
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    sign_in(page, email, NEW_PASSWORD)
    expect(page, "signing in should lead to the dashboard").to_have_url(
        f"{live_server.url}/dashboard"
    )
    # Until they give a name, people are greeted by the first part of their address.
    expect(page.get_by_role("heading", name="Hello, journey")).to_be_visible()

    page.get_by_role("navigation").get_by_role("link", name="journey").click()
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
    page.get_by_label("Name").fill("Ada Lovelace")
    page.get_by_label("Time zone").select_option("Europe/Paris")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("alert")).to_have_text("Your profile is saved.")
    page.reload()  # what the form shows now comes from the database
    expect(page.get_by_label("Name")).to_have_value("Ada Lovelace")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Paris")
    expect(page.get_by_role("navigation").get_by_role("link", name="Ada Lovelace")).to_be_visible()

    page.get_by_role("navigation").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Welcome to TaskManager")).to_be_visible()
    page.goto("/dashboard")
    expect(page, "a signed-out visitor should be sent to sign in").to_have_url(
        re.compile(r"/login\b")
    )
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_on_a_phone_the_navigation_folds_into_a_menu_button(open_page):
    page = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto("/")
    nav = page.get_by_role("navigation")
    menu = nav.get_by_role("button", name="Menu")
    sign_in_link = nav.get_by_role("link", name="Sign in")

    expect(menu, "a phone-width page should show the menu button").to_be_visible()
    expect(sign_in_link, "the links should fold away behind the menu").to_be_hidden()

    menu.tap()
    expect(sign_in_link, "the menu button should unfold the links").to_be_visible()
    sign_in_link.tap()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_signing_in_and_out_works_without_javascript(open_page, make_user):
    user = make_user(name="Grace Hopper")
    page = open_page(java_script_enabled=False)
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="Sign in").click()

    sign_in(page, user.email, PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Grace Hopper")).to_be_visible()

    page.get_by_role("navigation").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Welcome to TaskManager")).to_be_visible()


def test_pages_run_their_scripts_within_the_content_security_policy(page, make_user):
    user = make_user()
    problems: list[str] = []

    def note(message: ConsoleMessage) -> None:
        # Browsers ask every site for /favicon.ico; its 404 is not a page's problem.
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            problems.append(f"{page.url}: {message.text}")

    page.on("console", note)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))

    for path in ("/", "/register", "/login"):
        page.goto(path)
    sign_in(page, user.email, PASSWORD)
    expect(page.get_by_role("heading", name=f"Hello, {user.name}")).to_be_visible()
    page.goto("/account/settings")
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()

    assert not problems, "\n".join(problems)
