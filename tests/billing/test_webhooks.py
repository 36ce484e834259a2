"""Stripe webhooks (quality.md R12): verified, applied once, order-proof."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.billing import fake_events
from taskmanager.billing.models import ProcessedWebhookEvent
from taskmanager.extensions import db
from taskmanager.mail.models import OutboundEmail
from taskmanager.orgs.models import Organization
from tests.billing.conftest import PRICE
from tests.billing.conftest import WEBHOOK_SECRET
from tests.conftest import post
from tests.factories import make_org

URL = "/billing/stripe/webhook"


@pytest.fixture
def owner(make_user):
    return make_user(name="Olga Owner", email="olga@example.com")


@pytest.fixture
def org(app, owner):
    return make_org(app, owner, name="Hooked")


def send(client, evt, *, secret=WEBHOOK_SECRET, timestamp=None, header=None, body=None):
    signed_body, signature = fake_events.signed(evt, secret, timestamp=timestamp)
    headers = {"Content-Type": "application/json"}
    if header is not False:
        headers["Stripe-Signature"] = header or signature
    return client.post(URL, data=body if body is not None else signed_body, headers=headers)


def sub_event(org, event_type, status, *, created, sub_id="sub_1", customer="cus_1"):
    obj = fake_events.subscription(
        customer=customer, status=status, organization_id=org.id, price=PRICE, sub_id=sub_id
    )
    return fake_events.event(event_type, obj, created=created)


def state(app, org):
    with app.app_context(), tenancy.system():
        row = db.session.get(Organization, org.id)
        ledger = db.session.scalar(select(func.count()).select_from(ProcessedWebhookEvent))
        return row.plan, row.subscription_status, ledger


def test_a_signed_event_changes_the_plan(app, client, org, stripe_on):
    response = send(client, sub_event(org, "customer.subscription.created", "active", created=100))
    assert response.status_code == 200
    assert response.get_json()["outcome"] == "applied: active"
    assert state(app, org) == ("pro", "active", 1)


@pytest.mark.parametrize(
    "how",
    ["missing", "wrong secret", "expired", "tampered body", "garbage header", "not json"],
)
def test_a_bad_signature_is_400_and_changes_nothing(app, client, org, stripe_on, how):
    evt = sub_event(org, "customer.subscription.created", "active", created=100)
    if how == "missing":
        response = send(client, evt, header=False)
    elif how == "wrong secret":
        response = send(client, evt, secret="whsec_someone_else")
    elif how == "expired":
        response = send(client, evt, timestamp=int(time.time()) - 600)
    elif how == "tampered body":
        body, header = fake_events.signed(evt, WEBHOOK_SECRET)
        forged = body.replace(b'"active"', b'"trialing"')
        response = send(client, evt, header=header, body=forged)
    elif how == "garbage header":
        response = send(client, evt, header="t=abc,v1=nothing")
    else:
        body = b"this is not json"
        header = fake_events.stripe.WebhookSignature.generate_signature_header(
            body.decode(), WEBHOOK_SECRET
        )
        response = send(client, evt, header=header, body=body)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_webhook"
    assert state(app, org) == ("free", None, 0)


def test_the_same_event_twice_is_applied_once(app, client, org, stripe_on):
    evt = sub_event(org, "customer.subscription.created", "active", created=100)
    first, second = send(client, evt), send(client, evt)
    assert first.get_json()["outcome"] == "applied: active"
    assert second.status_code == 200
    assert second.get_json()["outcome"] == "duplicate"
    assert state(app, org) == ("pro", "active", 1)


def test_updated_before_created_ends_on_the_latest_state(app, client, org, stripe_on):
    created = sub_event(org, "customer.subscription.created", "incomplete", created=100)
    updated = sub_event(org, "customer.subscription.updated", "active", created=105)
    assert send(client, updated).get_json()["outcome"] == "applied: active"
    late = send(client, created).get_json()["outcome"]
    assert late.startswith("ignored: older")
    assert state(app, org) == ("pro", "active", 2)


def test_deleted_before_updated_ends_canceled(app, client, org, stripe_on):
    send(client, sub_event(org, "customer.subscription.created", "active", created=100))
    deleted = sub_event(org, "customer.subscription.deleted", "canceled", created=120)
    updated = sub_event(org, "customer.subscription.updated", "past_due", created=110)
    send(client, deleted)
    assert send(client, updated).get_json()["outcome"].startswith("ignored")
    assert state(app, org) == ("free", "canceled", 3)


def test_a_canceled_subscription_never_comes_back_even_with_a_later_stamp(
    app, client, org, stripe_on
):
    send(client, sub_event(org, "customer.subscription.deleted", "canceled", created=100))
    send(client, sub_event(org, "customer.subscription.updated", "active", created=200))
    assert state(app, org)[:2] == ("free", "canceled")
    # A new subscription (another id) after it ended does count.
    send(
        client,
        sub_event(org, "customer.subscription.created", "active", created=300, sub_id="sub_2"),
    )
    assert state(app, org)[:2] == ("pro", "active")


def test_checkout_completed_links_the_customer(app, client, org, stripe_on):
    session = fake_events.checkout_session(
        session_id="cs_1", customer="cus_9", sub_id="sub_9", organization_id=org.id
    )
    send(client, fake_events.event("checkout.session.completed", session, created=100))
    with app.app_context():
        row = db.session.get(Organization, org.id)
        assert (row.stripe_customer_id, row.stripe_subscription_id) == ("cus_9", "sub_9")
        assert (row.plan, row.subscription_status) == ("pro", "active")


def test_a_failed_payment_emails_the_owner_and_shows_on_the_billing_page(
    app, client, org, owner, stripe_on, as_user, enqueued
):
    send(client, sub_event(org, "customer.subscription.created", "active", created=100))
    failed = fake_events.event(
        "invoice.payment_failed",
        fake_events.invoice(customer="cus_1", sub_id="sub_1", amount_due=1500, attempt=2),
        created=110,
    )
    assert send(client, failed).status_code == 200
    send(client, failed)  # Stripe retries the delivery: still one email
    with app.app_context():
        emails = list(
            db.session.scalars(select(OutboundEmail).where(OutboundEmail.recipient == owner.email))
        )
    assert len(emails) == 1
    assert "Payment failed for Hooked" in emails[0].subject
    assert "15.00 USD failed (attempt 2)" in emails[0].text_body
    assert f"/o/{org.slug}/billing" in emails[0].text_body
    assert sum(name.endswith("deliver_email") for name, _ in enqueued) == 1
    page = as_user(owner).get(f"/o/{org.slug}/billing").get_data(as_text=True)
    assert "Payment problem" in page and "15.00 USD" in page


def test_events_we_do_not_use_are_recorded_and_ignored(app, client, org, stripe_on):
    evt = fake_events.event("customer.created", {"id": "cus_1", "object": "customer"})
    response = send(client, evt)
    assert response.get_json()["outcome"] == "ignored: event type not used"
    assert state(app, org) == ("free", None, 1)


def test_without_stripe_keys_the_endpoint_does_not_exist(app, client, org):
    evt = sub_event(org, "customer.subscription.created", "active", created=100)
    assert send(client, evt).status_code == 404
    assert state(app, org) == ("free", None, 0)


def test_without_stripe_keys_the_billing_page_says_so(app, org, owner, as_user):
    client = as_user(owner)
    page = client.get(f"/o/{org.slug}/billing").get_data(as_text=True)
    assert "Billing is not set up on this server" in page
    assert "Upgrade to Pro" not in page
    post(client, f"/o/{org.slug}/billing/upgrade")
    assert "every organization runs on the Free plan" in client.get(
        f"/o/{org.slug}/billing"
    ).get_data(as_text=True)
