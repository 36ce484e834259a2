"""Billing fixtures: an organization's plan set as Stripe's webhooks would leave it."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.orgs.models import Organization


def set_plan(app: Flask, org: Any, plan: str, status: str | None) -> None:
    with app.app_context(), tenancy.system():
        row = db.session.get(Organization, org.id)
        row.plan, row.subscription_status = plan, status
        db.session.commit()


@pytest.fixture
def plan_of(app: Flask) -> Any:
    """``plan_of(org, "pro", "active")``: put an organization on a plan and status."""
    return lambda org, plan, status=None: set_plan(app, org, plan, status)


WEBHOOK_SECRET = "whsec_test_0123456789abcdef"
API_KEY = "sk_test_taskmanager_tests"
PRICE = "price_test_pro"


@pytest.fixture
def stripe_on(app: Flask, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Billing switched on for this test (keys set; the API base is the fake's, if any)."""
    settings = {
        "STRIPE_SECRET_KEY": API_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_PRICE_PRO": PRICE,
    }
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    return settings
