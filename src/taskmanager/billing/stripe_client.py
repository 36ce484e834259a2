"""Stripe settings and the one ``StripeClient`` the app talks to Stripe through.

Nothing here runs at import. ``init_app`` fills the settings: with no keys (the
embedded default) billing is off and every organization runs on the free plan;
``TASKMANAGER_STRIPE_FAKE=1`` points everything at the local fake (``fake.py``) so
an upgrade can be clicked through without a Stripe account.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import stripe
from flask import Flask
from flask import current_app

from taskmanager.config import ConfigError
from taskmanager.config import is_production

# The fake's fixed settings, shared by the app and ``python -m taskmanager.billing.fake``.
FAKE_PORT = 12111
FAKE_SETTINGS = {
    "STRIPE_SECRET_KEY": "sk_test_fake_taskmanager",
    "STRIPE_WEBHOOK_SECRET": "whsec_fake_taskmanager",
    "STRIPE_PRICE_PRO": "price_fake_pro",
    "STRIPE_API_BASE": f"http://127.0.0.1:{FAKE_PORT}",
}


def init_app(app: Flask) -> None:
    config = app.config
    config.setdefault("STRIPE_FAKE", False)
    if config["STRIPE_FAKE"] and is_production(config):
        # The fake's webhook secret is public: anyone could sign themselves a plan.
        raise ConfigError(
            "Unset TASKMANAGER_STRIPE_FAKE: production talks to Stripe itself, with "
            "TASKMANAGER_STRIPE_SECRET_KEY, _WEBHOOK_SECRET and _PRICE_PRO."
        )
    if config["STRIPE_FAKE"]:
        for key, value in FAKE_SETTINGS.items():
            config.setdefault(key, value)
    config.setdefault("STRIPE_SECRET_KEY", "")
    config.setdefault("STRIPE_WEBHOOK_SECRET", "")
    config.setdefault("STRIPE_PRICE_PRO", "")
    config.setdefault("STRIPE_API_BASE", "https://api.stripe.com")
    if config["STRIPE_SECRET_KEY"]:
        for key in ("STRIPE_WEBHOOK_SECRET", "STRIPE_PRICE_PRO"):
            if not config[key]:
                raise ConfigError(
                    f"Set TASKMANAGER_{key}: billing is on (TASKMANAGER_STRIPE_SECRET_KEY is "
                    "set) and needs it. The webhook secret is shown where the endpoint is "
                    "added in Stripe's dashboard; the price id (price_...) on the Pro product."
                )


def configured(config: Mapping[str, Any] | None = None) -> bool:
    """Whether billing is on: a Stripe secret key is set."""
    return bool((config or current_app.config).get("STRIPE_SECRET_KEY"))


def client() -> stripe.StripeClient:
    """A client for this app's Stripe account, at the configured base address."""
    config = current_app.config
    return stripe.StripeClient(
        config["STRIPE_SECRET_KEY"],
        base_addresses={"api": config["STRIPE_API_BASE"]},
        max_network_retries=2,
    )
