"""The billing page (owners), its two hand-offs to Stripe, and the webhook endpoint."""

from __future__ import annotations

from collections.abc import ItemsView
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from werkzeug import Response

from taskmanager.billing import services
from taskmanager.billing import stripe_client
from taskmanager.billing import webhooks
from taskmanager.billing.plans import PLANS
from taskmanager.billing.usage import usage
from taskmanager.errors import Conflict
from taskmanager.extensions import csrf
from taskmanager.orgs.workspace import membership
from taskmanager.orgs.workspace import workspace
from taskmanager.policy import Action
from taskmanager.policy import require
from taskmanager.security_headers import CONTENT_SECURITY_POLICY

bp = Blueprint("billing", __name__)

RETURN_MESSAGES = {
    "done": ("Thank you! Your upgrade is confirmed as soon as Stripe tells us, usually "
             "within seconds: reload this page if the plan still says Free.", "success"),
    "canceled": ("Checkout was canceled; nothing was charged.", "info"),
}  # fmt: skip


@workspace.get("/billing")
def billing() -> str:
    me = membership()
    require(me.role, Action.MANAGE_BILLING)
    returned = RETURN_MESSAGES.get(request.args.get("checkout", ""))
    if returned:
        flash(*returned)
    return render_template(
        "billing/page.html",
        org=me.organization,
        usage=usage(me.organization),
        plans=list(PLANS.values()),
        configured=stripe_client.configured(),
        fake=bool(current_app.config["STRIPE_FAKE"]),
    )


def _hand_off(start: str) -> Response:
    me = membership()
    try:
        target = (services.start_checkout if start == "checkout" else services.open_portal)(
            actor=me
        )
    except (Conflict, services.BillingUnavailable) as error:
        flash(error.message, "danger")
        return redirect(url_for("org.billing"), 303)
    return redirect(target, 303)


class _PolicyWithStripePages(dict[str, Any]):
    """The app's CSP, plus Stripe's hosted pages as form targets, read per response.

    The Upgrade and Manage forms post here and are redirected to Stripe; browsers
    check ``form-action`` on that redirect too, so the billing page must name Stripe's
    origin (or the fake's, whose port is only known once it runs).
    """

    def items(self) -> ItemsView[str, Any]:  # type: ignore[override]
        policy = dict(CONTENT_SECURITY_POLICY)
        base = str(current_app.config["STRIPE_API_BASE"])
        if urlsplit(base).hostname == "api.stripe.com":
            targets = "https://checkout.stripe.com https://billing.stripe.com"
        else:
            parts = urlsplit(base)
            targets = f"{parts.scheme}://{parts.netloc}"
        policy["form-action"] = f"{policy['form-action']} {targets}"
        return policy.items()


# flask-talisman reads per-view options from this attribute (its decorator sets it too).
billing.talisman_view_options = {  # type: ignore[attr-defined]
    "content_security_policy": _PolicyWithStripePages()
}


@workspace.post("/billing/upgrade")
def upgrade() -> Response:
    return _hand_off("checkout")


@workspace.post("/billing/manage")
def manage() -> Response:
    return _hand_off("portal")


@bp.post("/billing/stripe/webhook")
@csrf.exempt
def webhook() -> ResponseReturnValue:
    """Stripe calls this; it answers 2xx once the event is applied or known."""
    if not stripe_client.configured():
        return jsonify(error="not_found", message="Billing is not set up on this server."), 404
    try:
        outcome = webhooks.receive(
            payload=request.get_data(cache=False),
            signature=request.headers.get("Stripe-Signature"),
            secret=current_app.config["STRIPE_WEBHOOK_SECRET"],
        )
    except webhooks.InvalidWebhook as error:
        return jsonify(error=error.code, message=error.message), 400
    return jsonify(received=True, outcome=outcome), 200
