"""Two-factor and confirmation pages as a user meets them, in the app's own layout.

The codes are computed from the key the setup page shows, as an authenticator app would.
"""

from __future__ import annotations

import re

import pytest
from passlib.totp import TOTP
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.test_account_journey import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def code_for(page: Page) -> str:
    """The current code for the key shown on the setup page."""
    page.get_by_text("Can't scan it? Enter the key by hand").click()
    key = page.locator(".tm-key").inner_text().replace("-", "").replace(" ", "")
    return TOTP(key=key, format="base32").generate().token


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_two_factor_setup_is_a_page_of_the_app_and_a_wrong_code_keeps_the_qr_code(page, make_user):
    user = make_user(name="Tess Two")
    page.goto("/login")
    sign_in(page, user.email, PASSWORD)
    page.goto("/account/settings")
    page.get_by_role("link", name="set it up with an authenticator app").click()

    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="Tess Two")).to_be_visible()
    page.get_by_role("button", name="Set up an authenticator app").click()

    qr = page.get_by_role("img", name=re.compile("QR code"))
    expect(qr).to_be_visible()
    first_qr = qr.get_attribute("src")
    code = code_for(page)

    page.get_by_label("Code from the app").fill(wrong(code))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_text("That code did not match.")).to_be_visible()
    expect(page.get_by_label("Code from the app")).to_have_attribute("aria-invalid", "true")
    expect(qr, "the QR code the user scanned stays on the page").to_be_visible()
    assert qr.get_attribute("src") == first_qr, "a wrong code must not make a new secret"

    page.get_by_label("Code from the app").fill(code_for(page))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("alert")).to_contain_text("successfully")
    expect(page.get_by_text("Two-factor sign-in is on")).to_be_visible()
    page.goto("/account/settings")
    expect(page.get_by_text("Two-factor sign-in is on")).to_be_visible()

    page.get_by_role("link", name="change or turn off").click()
    turn_off = page.get_by_role("radio", name=re.compile("Turn two-factor sign-in off"))
    expect(turn_off, "the choice is a visible radio button").to_be_visible()
    turn_off.check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Two-factor sign-in is off")).to_be_visible()
    expect(page.get_by_role("button", name="Set up an authenticator app")).to_be_visible()


def test_signing_in_with_two_factor_asks_for_the_code_in_plain_words(page, app, make_user):
    from taskmanager.accounts.models import User
    from taskmanager.accounts.security import current_security
    from taskmanager.extensions import db

    user = make_user(name="Otto Tp")
    with app.app_context():
        stored = db.session.get(User, user.id)
        secret = current_security().totp_factory.generate_totp_secret()
        current_security().datastore.tf_set(stored, "authenticator", totp_secret=secret)
        db.session.commit()

    page.goto("/login")
    sign_in(page, user.email, PASSWORD)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_label("Code from the app").fill("000000")
    page.get_by_role("button", name="Verify and sign in").click()
    expect(page.get_by_text("That code did not match.")).to_be_visible()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()


def test_signing_in_before_confirming_says_to_confirm_and_resends_the_link(
    page, make_user, worker, inbox
):
    user = make_user(confirmed=False)
    page.goto("/login")
    sign_in(page, user.email, PASSWORD)
    notice = page.locator("#confirm-first")
    expect(notice).to_contain_text("Confirm your email address first")
    expect(page.get_by_text("Invalid")).to_have_count(0)
    notice.get_by_role("button", name="Send the link again").click()
    (message,) = inbox.wait_for(lambda m: user.email in str(m["To"]))
    assert "confirm" in str(message["Subject"]).lower()


def test_a_wrong_password_for_an_unconfirmed_address_says_nothing_about_confirming(page, make_user):
    user = make_user(confirmed=False)
    page.goto("/login")
    sign_in(page, user.email, "not the password at all")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator("#fs-form-errors")).to_be_visible()
    expect(page.locator("#confirm-first")).to_have_count(0)
