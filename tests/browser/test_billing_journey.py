"""The upgrade journey in a real browser, against the local fake of Stripe.

Checkout → signed webhook → limits lifted → cancel in the Portal → limits back, with
every step driven by clicks, and the plan read back from what the server stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from taskmanager import jobs
from taskmanager.billing.fake import FakeStripe
from taskmanager.extensions import db
from taskmanager.orgs.models import Organization
from tests.billing.conftest import API_KEY
from tests.billing.conftest import PRICE
from tests.billing.conftest import WEBHOOK_SECRET
from tests.browser.test_account_journey import sign_in
from tests.factories import PASSWORD
from tests.factories import make_org
from tests.factories import make_project

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"


@pytest.fixture
def fake_stripe(committed_app, live_server, monkeypatch) -> Iterator[FakeStripe]:
    fake = FakeStripe(
        webhook_url=f"{live_server.url}/billing/stripe/webhook",
        webhook_secret=WEBHOOK_SECRET,
        api_key=API_KEY,
    ).start()
    settings = {
        "STRIPE_SECRET_KEY": API_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_PRICE_PRO": PRICE,
        "STRIPE_API_BASE": fake.url,
        "STRIPE_FAKE": True,
        # BASE_URL is the live server's already; patching it here too would put the
        # server's address back after the server has restored the app's own.
    }
    for key, value in settings.items():
        monkeypatch.setitem(committed_app.config, key, value)
    monkeypatch.setattr(jobs, "publish", lambda task, kwargs: None)  # no mail worker here
    yield fake
    fake.stop()


def plan_of(app, org) -> tuple[str, str | None]:
    with app.app_context():
        row = db.session.get(Organization, org.id)
        return row.plan, row.subscription_status


def add_project(page: Page, slug: str, name: str) -> None:
    page.goto(f"/o/{slug}")
    page.get_by_label("Project name").fill(name)
    page.get_by_role("button", name="Create project").click()


def test_an_owner_upgrades_then_cancels_and_the_limits_follow(
    page, committed_app, fake_stripe, make_user
):
    owner = make_user(name="Pia Payer")
    org = make_org(committed_app, owner, name="Growing Co")
    for n in range(3):
        make_project(committed_app, org, name=f"Project {n + 1}")
    page.goto("/login")
    sign_in(page, owner.email, PASSWORD)

    add_project(page, org.slug, "Project 4")
    expect(page.get_by_text("The Free plan allows 3 active projects")).to_be_visible()

    page.goto(f"/o/{org.slug}/billing")
    expect(page.get_by_role("heading", name="Your plan: Free")).to_be_visible()
    page.get_by_role("button", name="Upgrade to Pro").click()
    expect(page.get_by_role("heading", name="Checkout: TaskManager Pro")).to_be_visible()
    page.get_by_role("button", name="Pay and subscribe").click()
    expect(page.get_by_role("heading", name="Your plan: Pro active")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "billing-pro.png"), full_page=True)
    assert plan_of(committed_app, org) == ("pro", "active")

    add_project(page, org.slug, "Project 4")
    expect(page.get_by_role("heading", name="Project 4")).to_be_visible()

    page.goto(f"/o/{org.slug}/billing")
    page.get_by_role("button", name="Manage billing").click()
    expect(page.get_by_role("heading", name="Customer Portal")).to_be_visible()
    page.get_by_role("button", name="Simulate a failed renewal payment").click()
    expect(page.get_by_text("Payment problem")).to_be_visible()
    expect(page.get_by_text("Free limits apply: subscription past due")).to_be_visible()
    expect(page.get_by_role("button", name="Upgrade to Pro")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "billing-past-due.png"), full_page=True)

    page.get_by_role("button", name="Manage billing").click()
    page.get_by_role("button", name="Cancel subscription").click()
    expect(page.get_by_role("heading", name="Your plan: Free canceled")).to_be_visible()
    assert plan_of(committed_app, org) == ("free", "canceled")

    add_project(page, org.slug, "Project 5")
    expect(page.get_by_text("The Free plan allows 3 active projects")).to_be_visible()
    for n in range(1, 5):  # nothing stored was touched
        expect(page.get_by_role("link", name=f"Project {n}")).to_be_visible()
    assert all(status == 200 for _, status in fake_stripe.delivered), fake_stripe.delivered
    assert [kind for kind, _ in fake_stripe.delivered] == [
        "customer.subscription.created",
        "checkout.session.completed",
        "invoice.payment_failed",
        "customer.subscription.updated",
        "customer.subscription.deleted",
    ]
