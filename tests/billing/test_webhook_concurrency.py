"""R12 on PostgreSQL with real concurrency: deliveries racing each other over HTTP."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest
from sqlalchemy import func
from sqlalchemy import select

from taskmanager.billing import fake_events
from taskmanager.billing.models import ProcessedWebhookEvent
from taskmanager.extensions import db
from taskmanager.orgs.models import Organization
from tests.billing.conftest import PRICE
from tests.billing.conftest import WEBHOOK_SECRET
from tests.factories import make_org
from tests.support.live_server import LiveServer


@pytest.fixture
def server(committed_app, stripe_on, monkeypatch):
    from taskmanager import jobs

    monkeypatch.setattr(jobs, "publish", lambda task, kwargs: None)  # no worker here
    with LiveServer(committed_app) as live:
        yield live


def deliver_all_at_once(url: str, deliveries: list[tuple[bytes, str]]) -> list[tuple[int, str]]:
    barrier = threading.Barrier(len(deliveries))
    results: list[tuple[int, str]] = []

    def deliver(body: bytes, header: str) -> None:
        request = urllib.request.Request(
            f"{url}/billing/stripe/webhook",
            data=body,
            headers={"Content-Type": "application/json", "Stripe-Signature": header},
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                results.append((answer.status, json.load(answer)["outcome"]))
        except urllib.error.HTTPError as error:
            results.append((error.code, error.read().decode()))

    threads = [threading.Thread(target=deliver, args=d) for d in deliveries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def subscription_event(org, event_type, status, created):
    obj = fake_events.subscription(
        customer="cus_race", status=status, organization_id=org.id, price=PRICE, sub_id="sub_race"
    )
    return fake_events.event(event_type, obj, created=created)


def test_the_same_event_five_times_at_once_is_applied_once(committed_app, server, make_user):
    org = make_org(committed_app, make_user())
    signed = fake_events.signed(
        subscription_event(org, "customer.subscription.created", "active", 100), WEBHOOK_SECRET
    )
    results = deliver_all_at_once(server.url, [signed] * 5)

    assert sorted(results) == [(200, "applied: active")] + [(200, "duplicate")] * 4
    with committed_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProcessedWebhookEvent)) == 1
        row = db.session.get(Organization, org.id)
        assert (row.plan, row.subscription_status) == ("pro", "active")


def test_a_subscriptions_whole_life_delivered_at_once_ends_on_its_latest_state(
    committed_app, server, make_user
):
    org = make_org(committed_app, make_user())
    life = [
        ("customer.subscription.created", "incomplete", 100),
        ("customer.subscription.updated", "active", 110),
        ("customer.subscription.updated", "past_due", 120),
        ("customer.subscription.updated", "active", 130),
        ("customer.subscription.deleted", "canceled", 140),
    ]
    deliveries = [
        fake_events.signed(subscription_event(org, *step), WEBHOOK_SECRET)
        for step in reversed(life)
    ]
    results = deliver_all_at_once(server.url, deliveries)

    assert [status for status, _ in results] == [200] * 5
    with committed_app.app_context():
        row = db.session.get(Organization, org.id)
        assert (row.plan, row.subscription_status) == ("free", "canceled")
        assert db.session.scalar(select(func.count()).select_from(ProcessedWebhookEvent)) == 5
