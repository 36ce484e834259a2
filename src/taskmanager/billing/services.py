"""Billing use cases for an organization's owner: upgrade through Checkout, manage in the Portal.

Both hand the owner over to a page Stripe hosts (a real one, or the local fake) and
change nothing here: the plan changes only when Stripe's signed webhook says so
(``webhooks.py``), so a closed tab or a forged return URL cannot grant a plan.
"""

from __future__ import annotations

import stripe
from flask import current_app

from taskmanager.billing import stripe_client
from taskmanager.billing.plans import ACTIVE_STATES
from taskmanager.billing.plans import ENDED_STATES as ENDED
from taskmanager.billing.plans import PlanName
from taskmanager.errors import Conflict
from taskmanager.orgs.models import Membership
from taskmanager.policy import Action
from taskmanager.policy import require


class BillingUnavailable(Exception):
    """Stripe did not answer. Only the billing page's hand-offs raise it, and show it."""

    message = "Stripe could not be reached. Nothing was charged; try again in a minute."


def _base_url() -> str:
    return str(current_app.config["BASE_URL"]).rstrip("/")


def billing_url(slug: str) -> str:
    """The billing page's absolute address, from the configured base URL."""
    return f"{_base_url()}/o/{slug}/billing"


def _require_billing(actor: Membership) -> None:
    require(actor.role, Action.MANAGE_BILLING)
    if not stripe_client.configured():
        raise Conflict(
            "Billing is not set up on this server (no Stripe keys), so every organization "
            "runs on the Free plan."
        )


def start_checkout(*, actor: Membership) -> str:
    """A Stripe Checkout Session for the Pro plan; returns the page to send the owner to.

    Raises:
        Forbidden: the actor is not an owner.
        Conflict: billing is off, or the organization already pays for Pro.
        BillingUnavailable: Stripe did not answer.
    """
    _require_billing(actor)
    org = actor.organization
    if org.plan == PlanName.PRO and org.subscription_status in ACTIVE_STATES:
        raise Conflict("This organization is already on Pro. Use Manage billing to change it.")
    if org.subscription_status not in (None, *ENDED):
        # past_due, unpaid, incomplete: the subscription exists and wants a working card.
        raise Conflict(
            "This organization already has a subscription waiting for payment: use Manage "
            "billing to update the card."
        )
    back = billing_url(org.slug)
    params: dict[str, object] = {
        "mode": "subscription",
        "line_items": [{"price": current_app.config["STRIPE_PRICE_PRO"], "quantity": 1}],
        "success_url": f"{back}?checkout=done",
        "cancel_url": f"{back}?checkout=canceled",
        # How the webhook finds the organization again, whatever arrives first.
        "client_reference_id": str(org.id),
        "metadata": {"organization_id": str(org.id)},
        "subscription_data": {"metadata": {"organization_id": str(org.id)}},
    }
    if org.stripe_customer_id:
        params["customer"] = org.stripe_customer_id
    else:
        params["customer_email"] = actor.user.email
    try:
        session = stripe_client.client().v1.checkout.sessions.create(params=params)  # type: ignore[arg-type]
    except stripe.StripeError as error:
        current_app.logger.warning("Stripe Checkout failed: %s", error)
        raise BillingUnavailable() from None
    return str(session.url)


def open_portal(*, actor: Membership) -> str:
    """A Customer Portal session (card, invoices, cancellation); returns its address.

    Raises:
        Forbidden: the actor is not an owner.
        Conflict: billing is off, or the organization never subscribed.
        BillingUnavailable: Stripe did not answer.
    """
    _require_billing(actor)
    org = actor.organization
    if not org.stripe_customer_id:
        raise Conflict("There is no subscription to manage yet: upgrade first.")
    try:
        session = stripe_client.client().v1.billing_portal.sessions.create(
            params={"customer": org.stripe_customer_id, "return_url": billing_url(org.slug)}
        )
    except stripe.StripeError as error:
        current_app.logger.warning("Stripe Portal failed: %s", error)
        raise BillingUnavailable() from None
    return str(session.url)
