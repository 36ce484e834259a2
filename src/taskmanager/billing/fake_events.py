"""Stripe events as Stripe would send them: the objects, the event, the signature.

Used by the local fake (``fake.py``) and by tests: an event is signed with the
webhook secret exactly as Stripe signs it (``t=<unix time>,v1=<HMAC-SHA256>`` over
``"<t>.<body>"``), so the app verifies these the same way it verifies real ones.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import stripe

Obj = dict[str, Any]


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def subscription(
    *, customer: str, status: str, organization_id: int, price: str, sub_id: str | None = None
) -> Obj:
    return {
        "id": sub_id or new_id("sub"),
        "object": "subscription",
        "customer": customer,
        "status": status,
        "metadata": {"organization_id": str(organization_id)},
        "items": {"object": "list", "data": [{"price": {"id": price}, "quantity": 1}]},
        "cancel_at_period_end": False,
    }


def checkout_session(
    *, session_id: str, customer: str, sub_id: str, organization_id: int, paid: bool = True
) -> Obj:
    return {
        "id": session_id,
        "object": "checkout.session",
        "mode": "subscription",
        "customer": customer,
        "subscription": sub_id,
        "client_reference_id": str(organization_id),
        "metadata": {"organization_id": str(organization_id)},
        "payment_status": "paid" if paid else "unpaid",
        "status": "complete",
    }


def invoice(*, customer: str, sub_id: str, amount_due: int = 1200, attempt: int = 1) -> Obj:
    return {
        "id": new_id("in"),
        "object": "invoice",
        "customer": customer,
        "subscription": sub_id,
        "amount_due": amount_due,
        "currency": "usd",
        "attempt_count": attempt,
        "status": "open",
    }


def event(event_type: str, obj: Obj, *, created: int | None = None) -> Obj:
    return {
        "id": new_id("evt"),
        "object": "event",
        "type": event_type,
        "created": int(created if created is not None else time.time()),
        "livemode": False,
        "data": {"object": obj},
    }


def signed(evt: Obj, secret: str, *, timestamp: int | None = None) -> tuple[bytes, str]:
    """The body and ``Stripe-Signature`` header Stripe would send for ``evt``."""
    body = json.dumps(evt)
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp)
    return body.encode(), header
