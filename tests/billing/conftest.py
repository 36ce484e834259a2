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
