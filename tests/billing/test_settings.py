"""Billing settings fail fast, naming the variable to set."""

import pytest

from taskmanager import create_app
from taskmanager.config import ConfigError

PRODUCTION = {
    "ENV": "production",
    "SECRET_KEY": "a-production-secret-key-that-is-long-enough-0123",
    "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/postgres",
    "BROKER_URL": "redis://127.0.0.1:6379/0",
    "BASE_URL": "https://tasks.example.com",
}


def test_production_refuses_the_stripe_fake():
    with pytest.raises(ConfigError, match="Unset TASKMANAGER_STRIPE_FAKE"):
        create_app({**PRODUCTION, "STRIPE_FAKE": 1})


def test_a_stripe_key_without_its_webhook_secret_names_the_variable():
    with pytest.raises(ConfigError, match="Set TASKMANAGER_STRIPE_WEBHOOK_SECRET"):
        create_app({**PRODUCTION, "STRIPE_SECRET_KEY": "sk_live_x", "STRIPE_PRICE_PRO": "price_1"})


def test_without_keys_billing_is_off():
    app = create_app({**PRODUCTION})
    assert app.config["STRIPE_SECRET_KEY"] == ""
