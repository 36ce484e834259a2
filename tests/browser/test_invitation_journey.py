"""An invitation in one pass: from the email's link to the organization, registering on the way.

Real emails: the invitation and the confirmation go through the Celery worker to the
loopback SMTP server, and the links are taken from them.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_account_journey import NEW_PASSWORD
from tests.browser.test_account_journey import sign_in
from tests.factories import PASSWORD
from tests.factories import make_org
from tests.support.smtp import text_of

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def link_in(inbox, email: str, pattern: str) -> str:
    (message,) = inbox.wait_for(lambda m: email in str(m["To"]))
    inbox.messages.remove(message)
    found = re.search(pattern, text_of(message))
    assert found, f"no {pattern} link in:\n{text_of(message)}"
    return found.group(0)


def test_a_newcomer_registers_from_the_invitation_and_lands_in_the_organization(
    open_page, app, make_user, worker, inbox
):
    lead = make_user(name="Lena Lead")
    org = make_org(app, lead, name="Orbit Labs")
    lead_page = open_page()
    lead_page.goto("/login")
    sign_in(lead_page, lead.email, PASSWORD)
    lead_page.goto(f"/o/{org.slug}")
    newcomer = "nora@example.com"
    lead_page.get_by_label("Email to invite").fill(newcomer)
    lead_page.get_by_role("button", name="Invite").click()
    expect(lead_page.get_by_role("alert")).to_contain_text(f"Invitation sent to {newcomer}")
    invitation = link_in(inbox, newcomer, r"http://\S+/invitations/[\w-]+")

    page = open_page()
    page.goto(invitation)
    expect(page.get_by_role("heading", name="Join Orbit Labs")).to_be_visible()
    page.get_by_role("button", name="Create an account").click()
    expect(page.get_by_role("heading", name="Register")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value(newcomer)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("alert").first).to_contain_text("confirm", ignore_case=True)

    page.goto(link_in(inbox, newcomer, r"http://\S+/confirm/\S+"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    sign_in(page, newcomer, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Orbit Labs")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Welcome to Orbit Labs")
    assert page.url.endswith(f"/o/{org.slug}"), page.url

    # The link again, now used: no "Accept and join", but the way in.
    page.goto(invitation)
    expect(page.get_by_role("button", name="Accept and join")).to_have_count(0)
    page.get_by_role("link", name="Open Orbit Labs").click()
    expect(page.get_by_role("heading", name="Orbit Labs")).to_be_visible()


def test_a_used_invitation_says_so_and_offers_no_accept_button(
    open_page, app, make_user, worker, inbox
):
    lead = make_user(name="Lena Lead")
    joiner = make_user(name="Jo Joiner", email="jo@example.com")
    org = make_org(app, lead, name="Used Link Inc")
    lead_page = open_page()
    lead_page.goto("/login")
    sign_in(lead_page, lead.email, PASSWORD)
    lead_page.goto(f"/o/{org.slug}")
    lead_page.get_by_label("Email to invite").fill(joiner.email)
    lead_page.get_by_role("button", name="Invite").click()
    invitation = link_in(inbox, joiner.email, r"http://\S+/invitations/[\w-]+")

    page = open_page()
    page.goto(invitation)
    page.get_by_role("link", name="I have an account: sign in").click()
    sign_in(page, joiner.email, PASSWORD)
    page.get_by_role("button", name="Accept and join").click()
    expect(page.get_by_role("alert")).to_contain_text("Welcome to Used Link Inc")

    stranger = open_page()
    stranger.goto(invitation)
    expect(stranger.get_by_text("This invitation was already used")).to_be_visible()
    expect(stranger.get_by_role("button", name="Accept and join")).to_have_count(0)
    stranger.get_by_role("link", name="Sign in").last.click()
    sign_in(stranger, joiner.email, PASSWORD)
    expect(stranger.get_by_role("heading", name="Used Link Inc")).to_be_visible()
