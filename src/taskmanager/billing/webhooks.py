"""Stripe webhooks: verified against the raw body, applied once, in any order.

* **Verified**: the ``Stripe-Signature`` header must sign the exact bytes received
  with the webhook secret, within five minutes; anything else is 400 and no effect.
* **Once**: the event's id goes into ``processed_webhook_events`` in the same
  transaction as its effect. A second delivery, even at the same moment, finds the
  id taken (PostgreSQL holds the second insert until the first commits) and changes
  nothing.
* **Any order**: an organization keeps the time of the subscription state it holds
  (``subscription_state_at``: the ``created`` time of the event that reported it). An
  event reporting an older state is recorded and ignored, and a canceled
  subscription never comes back (Stripe cannot revive one either), so the final
  state is the latest whatever order the events arrive in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from typing import Any

import stripe
from flask import render_template
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from taskmanager import tenancy
from taskmanager.billing.models import ProcessedWebhookEvent
from taskmanager.billing.plans import ENDED_STATES
from taskmanager.billing.plans import PlanName
from taskmanager.billing.services import billing_url
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.mail.services import queue_email
from taskmanager.orgs.models import Membership
from taskmanager.orgs.models import Organization
from taskmanager.policy import Role

TOLERANCE_SECONDS = 300
ENDED = ENDED_STATES
# Breaks ties between two states reported in the same second: the later in a
# subscription's life wins.
_RANK = {"incomplete": 0, "trialing": 1, "active": 2, "past_due": 3, "unpaid": 4, "paused": 4}

Event = dict[str, Any]
Outcome = tuple[str, Organization | None]


class InvalidWebhook(ValidationFailed):
    code = "invalid_webhook"
    default_message = "The webhook's signature does not match its body."


def verify(*, payload: bytes, signature: str | None, secret: str) -> Event:
    """The event, once its signature is checked against the raw body.

    Raises:
        InvalidWebhook: no, wrong or expired signature, or a body that is no event.
    """
    if not signature:
        raise InvalidWebhook("Missing Stripe-Signature header.")
    try:
        text = payload.decode("utf-8")
        stripe.WebhookSignature.verify_header(text, signature, secret, TOLERANCE_SECONDS)
        event = json.loads(text)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as error:
        raise InvalidWebhook(str(error) or None) from None
    if not (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance(event.get("created"), int)
        and isinstance(event.get("data", {}).get("object"), dict)
    ):
        raise InvalidWebhook("The body is not a Stripe event.")
    return event


def receive(*, payload: bytes, signature: str | None, secret: str) -> str:
    """Verify, then apply the event unless it was already applied; returns the outcome."""
    event = verify(payload=payload, signature=signature, secret=secret)
    with tenancy.system():
        return _apply_once(event)


def _apply_once(event: Event) -> str:
    at = datetime.fromtimestamp(event["created"], UTC)
    ledger = ProcessedWebhookEvent(
        id=event["id"][:255], type=event["type"][:80], created_at=at, outcome="received"
    )
    db.session.add(ledger)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    handler = HANDLERS.get(event["type"], _ignored)
    outcome, org = handler(event["data"]["object"], at, event)
    ledger.outcome = outcome[:120]
    ledger.organization_id = org.id if org else None
    db.session.commit()
    return outcome


def _find_org(obj: dict[str, Any]) -> Organization | None:
    """The organization a Stripe object belongs to: by customer, else by our metadata.

    Its row is locked, so two events for one organization apply one after the other,
    each comparing against what the other wrote.
    """
    customer = obj.get("customer")
    if isinstance(customer, str):
        found = db.session.scalar(
            select(Organization)
            .where(Organization.stripe_customer_id == customer)
            .with_for_update()
        )
        if found is not None:
            return found
    reference = obj.get("client_reference_id") or (obj.get("metadata") or {}).get("organization_id")
    if isinstance(reference, str) and reference.isdigit():
        return db.session.get(Organization, int(reference), with_for_update=True)
    return None


def _newer(org: Organization, subscription_id: str, status: str, at: datetime) -> bool:
    """Whether a subscription state reported at ``at`` should replace the one held."""
    held_id, held_status, held_at = (
        org.stripe_subscription_id,
        org.subscription_status,
        org.subscription_state_at,
    )
    if held_id == subscription_id and held_status in ENDED:
        return False  # an ended subscription never comes back
    if held_at is None or held_id is None:
        return True
    if held_id != subscription_id and held_status in ENDED:
        return True  # a new subscription after the old one ended
    if at != held_at:
        return at > held_at
    if status in ENDED:
        return True
    return _RANK.get(status, 0) >= _RANK.get(held_status or "", 0)


def _set_state(
    org: Organization, *, subscription_id: str, customer: object, status: str, at: datetime
) -> str:
    if not _newer(org, subscription_id, status, at):
        return f"ignored: older than the state held ({org.subscription_status})"
    org.stripe_subscription_id = subscription_id
    if isinstance(customer, str):
        org.stripe_customer_id = customer
    org.subscription_status = status
    org.subscription_state_at = at
    org.plan = (PlanName.FREE if status in ENDED else PlanName.PRO).value
    if status in ("active", "trialing"):
        org.last_payment_error = None
    return f"applied: {status}"


def _checkout_completed(obj: dict[str, Any], at: datetime, event: Event) -> Outcome:
    org = _find_org(obj)
    if org is None:
        return "ignored: unknown organization", None
    subscription = obj.get("subscription")
    if obj.get("mode") != "subscription" or not isinstance(subscription, str):
        return "ignored: not a subscription checkout", org
    status = (
        "active" if obj.get("payment_status") in ("paid", "no_payment_required") else ("incomplete")
    )
    outcome = _set_state(
        org, subscription_id=subscription, customer=obj.get("customer"), status=status, at=at
    )
    return outcome, org


def _subscription_changed(obj: dict[str, Any], at: datetime, event: Event) -> Outcome:
    org = _find_org(obj)
    if org is None:
        return "ignored: unknown organization", None
    status = str(obj.get("status") or "")
    if event["type"] == "customer.subscription.deleted":
        status = "canceled"
    outcome = _set_state(
        org, subscription_id=str(obj.get("id")), customer=obj.get("customer"), status=status, at=at
    )
    return outcome, org


def _payment_failed(obj: dict[str, Any], at: datetime, event: Event) -> Outcome:
    org = _find_org(obj)
    if org is None:
        return "ignored: unknown organization", None
    amount = int(obj.get("amount_due") or 0) / 100
    currency = str(obj.get("currency") or "").upper()
    attempt = obj.get("attempt_count") or 1
    problem = (
        f"A payment of {amount:.2f} {currency} failed (attempt {attempt}). Stripe will retry; "
        "update the card with Manage billing to keep Pro."
    )
    if org.last_payment_failed_at is None or at >= org.last_payment_failed_at:
        org.last_payment_error = problem[:300]
        org.last_payment_failed_at = at
    _email_owners(org, problem=problem, key=f"stripe:{event['id']}")
    return "applied: payment problem recorded, owners emailed", org


def _email_owners(org: Organization, *, problem: str, key: str) -> None:
    owners = db.session.scalars(
        select(Membership).where(
            Membership.organization_id == org.id, Membership.role == Role.OWNER.value
        )
    )
    link = billing_url(org.slug)
    for owner in owners:
        context = {"org": org, "user": owner.user, "problem": problem, "link": link}
        queue_email(
            to=owner.user.email,
            subject=f"Payment failed for {org.name}: update your card",
            text=render_template("email/payment_failed.txt", **context),
            html=render_template("email/payment_failed.html", **context),
            key=f"{key}:{owner.user_id}",
        )


def _ignored(obj: dict[str, Any], at: datetime, event: Event) -> Outcome:
    return "ignored: event type not used", None


HANDLERS: dict[str, Callable[[dict[str, Any], datetime, Event], Outcome]] = {
    "checkout.session.completed": _checkout_completed,
    "customer.subscription.created": _subscription_changed,
    "customer.subscription.updated": _subscription_changed,
    "customer.subscription.deleted": _subscription_changed,
    "invoice.payment_failed": _payment_failed,
}
