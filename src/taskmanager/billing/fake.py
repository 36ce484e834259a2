"""A small fake of the Stripe endpoints TaskManager uses, served on a loopback port.

The app reaches it through ``StripeClient``'s base address, exactly as it reaches
Stripe. It answers the two API calls (``POST /v1/checkout/sessions``,
``POST /v1/billing_portal/sessions``), serves the pages Stripe would host (a
Checkout page with a Pay button, a Portal with Cancel and a failed-payment button),
and delivers the resulting signed webhooks to the app before sending the browser
back, as Stripe does within seconds.

Run it beside ``make run``: ``TASKMANAGER_STRIPE_FAKE=1 make run`` starts it.
"""

from __future__ import annotations

import argparse
import html
import itertools
import json
import logging
import os
import threading
import time
import urllib.error
import urllib.request
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound
from werkzeug.exceptions import Unauthorized
from werkzeug.routing import Map
from werkzeug.routing import Rule
from werkzeug.serving import BaseWSGIServer
from werkzeug.serving import make_server
from werkzeug.utils import redirect
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

from taskmanager.billing import fake_events
from taskmanager.billing.stripe_client import FAKE_PORT
from taskmanager.billing.stripe_client import FAKE_SETTINGS

log = logging.getLogger(__name__)

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title></head><body style="font-family:sans-serif;max-width:36rem;margin:3rem auto">
<p style="color:#635bff;font-weight:bold">Fake Stripe (test mode: no card is charged)</p>
<h1>{title}</h1>{body}</body></html>"""


class FakeStripe:
    """The fake's state and WSGI app; ``start()`` serves it from a thread."""

    def __init__(
        self, *, webhook_url: str, webhook_secret: str, api_key: str, port: int = 0
    ) -> None:
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.api_key = api_key
        self.sessions: dict[str, dict[str, Any]] = {}
        self.portals: dict[str, dict[str, Any]] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.delivered: list[tuple[str, int]] = []  # (event type, the app's HTTP status)
        self._clock = itertools.count(int(time.time()))
        self._lock = threading.Lock()
        self.urls = Map(
            [
                Rule("/v1/checkout/sessions", methods=["POST"], endpoint="create_checkout"),
                Rule("/v1/billing_portal/sessions", methods=["POST"], endpoint="create_portal"),
                Rule("/v1/subscriptions/<sub_id>", methods=["GET"], endpoint="get_subscription"),
                Rule("/checkout/<sid>", methods=["GET"], endpoint="checkout_page"),
                Rule("/checkout/<sid>/pay", methods=["POST"], endpoint="pay"),
                Rule("/portal/<pid>", methods=["GET"], endpoint="portal_page"),
                Rule("/portal/<pid>/cancel", methods=["POST"], endpoint="cancel"),
                Rule("/portal/<pid>/fail-payment", methods=["POST"], endpoint="fail_payment"),
            ]
        )
        self._server: BaseWSGIServer = make_server("127.0.0.1", port, self, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- serving ----------------------------------------------------------------------

    def start(self) -> FakeStripe:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        try:
            endpoint, args = self.urls.bind_to_environ(environ).match()
            if request.path.startswith("/v1/"):
                self._authorize(request)
            response = getattr(self, endpoint)(request, **args)
        except HTTPException as error:
            response = _json({"error": {"message": error.description}}, error.code or 500)
        return response(environ, start_response)

    def _authorize(self, request: Request) -> None:
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            raise Unauthorized("Invalid API Key provided.")

    def _now(self) -> int:
        # Strictly increasing, like the order of the changes the events report.
        return max(int(time.time()), next(self._clock))

    def deliver(self, event_type: str, obj: dict[str, Any]) -> int:
        """Sign and POST one event to the app, as Stripe would; returns the app's status."""
        body, header = fake_events.signed(
            fake_events.event(event_type, obj, created=self._now()), self.webhook_secret
        )
        request = urllib.request.Request(  # noqa: S310 - a loopback URL we were given
            self.webhook_url,
            data=body,
            headers={"Content-Type": "application/json", "Stripe-Signature": header},
        )
        try:
            # The webhook URL is the loopback one the harness gave this fake.
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310  # nosec B310
                status = int(answer.status)
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError as error:
            log.warning("Fake Stripe could not deliver %s: %s", event_type, error)
            status = 0
        self.delivered.append((event_type, status))
        return status

    # --- the API ------------------------------------------------------------------------

    def create_checkout(self, request: Request) -> Response:
        form = request.form
        org_id = form.get("client_reference_id") or form.get("metadata[organization_id]", "")
        if not form.get("line_items[0][price]") or not form.get("success_url"):
            return _json({"error": {"message": "Missing line_items or success_url."}}, 400)
        sid = fake_events.new_id("cs_test")
        session = {
            "id": sid,
            "object": "checkout.session",
            "mode": form.get("mode", "subscription"),
            "url": f"{self.url}/checkout/{sid}",
            "customer": form.get("customer"),
            "customer_email": form.get("customer_email"),
            "client_reference_id": org_id,
            "success_url": form["success_url"],
            "cancel_url": form.get("cancel_url", form["success_url"]),
            "price": form["line_items[0][price]"],
            "status": "open",
        }
        with self._lock:
            self.sessions[sid] = session
        return _json({k: v for k, v in session.items() if k != "price"})

    def create_portal(self, request: Request) -> Response:
        customer = request.form.get("customer")
        if not customer:
            return _json({"error": {"message": "Missing customer."}}, 400)
        pid = fake_events.new_id("bps")
        portal = {
            "id": pid,
            "object": "billing_portal.session",
            "customer": customer,
            "return_url": request.form.get("return_url", ""),
            "url": f"{self.url}/portal/{pid}",
        }
        with self._lock:
            self.portals[pid] = portal
        return _json(portal)

    def get_subscription(self, request: Request, sub_id: str) -> Response:
        if sub_id not in self.subscriptions:
            raise NotFound(f"No such subscription: '{sub_id}'")
        return _json(self.subscriptions[sub_id])

    # --- the hosted pages ---------------------------------------------------------------

    def checkout_page(self, request: Request, sid: str) -> Response:
        session = self._session(sid)
        body = (
            f"<p>TaskManager Pro, for {html.escape(session['customer_email'] or 'your team')}."
            f"</p><form method='post' action='/checkout/{sid}/pay'>"
            "<button type='submit'>Pay and subscribe</button></form>"
            f"<p><a href='{html.escape(session['cancel_url'])}'>Back (cancel)</a></p>"
        )
        return _page("Checkout: TaskManager Pro", body)

    def pay(self, request: Request, sid: str) -> Response:
        session = self._session(sid)
        customer = session["customer"] or fake_events.new_id("cus")
        sub = fake_events.subscription(
            customer=customer,
            status="active",
            organization_id=int(session["client_reference_id"]),
            price=session["price"],
        )
        with self._lock:
            self.subscriptions[sub["id"]] = sub
            session["status"] = "complete"
        self.deliver("customer.subscription.created", sub)
        self.deliver(
            "checkout.session.completed",
            fake_events.checkout_session(
                session_id=sid,
                customer=customer,
                sub_id=sub["id"],
                organization_id=int(session["client_reference_id"]),
            ),
        )
        return redirect(session["success_url"], 303)

    def portal_page(self, request: Request, pid: str) -> Response:
        portal = self._portal(pid)
        live = self._live_subscriptions(portal["customer"])
        status = html.escape(", ".join(s["status"] for s in live) or "no subscription")
        body = (
            f"<p>Subscription: {status}.</p>"
            f"<form method='post' action='/portal/{pid}/cancel'>"
            "<button type='submit'>Cancel subscription</button></form><br>"
            f"<form method='post' action='/portal/{pid}/fail-payment'>"
            "<button type='submit'>Simulate a failed renewal payment</button></form>"
            f"<p><a href='{html.escape(portal['return_url'])}'>Return to TaskManager</a></p>"
        )
        return _page("Customer Portal", body)

    def _live_subscriptions(self, customer: str) -> list[dict[str, Any]]:
        return [
            s
            for s in self.subscriptions.values()
            if s["customer"] == customer and s["status"] != "canceled"
        ]

    def cancel(self, request: Request, pid: str) -> Response:
        portal = self._portal(pid)
        for sub in self._live_subscriptions(portal["customer"]):
            sub["status"] = "canceled"
            self.deliver("customer.subscription.deleted", sub)
        return redirect(portal["return_url"], 303)

    def fail_payment(self, request: Request, pid: str) -> Response:
        portal = self._portal(pid)
        for sub in self._live_subscriptions(portal["customer"]):
            sub["status"] = "past_due"
            self.deliver(
                "invoice.payment_failed",
                fake_events.invoice(customer=portal["customer"], sub_id=sub["id"]),
            )
            self.deliver("customer.subscription.updated", sub)
        return redirect(portal["return_url"], 303)

    def _session(self, sid: str) -> dict[str, Any]:
        if sid not in self.sessions:
            raise NotFound("No such checkout session.")
        return self.sessions[sid]

    def _portal(self, pid: str) -> dict[str, Any]:
        if pid not in self.portals:
            raise NotFound("No such portal session.")
        return self.portals[pid]


def _json(data: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, mimetype="application/json")


def _page(title: str, body: str) -> Response:
    return Response(PAGE.format(title=html.escape(title), body=body), mimetype="text/html")


def main() -> None:
    """``python -m taskmanager.billing.fake``: serve the fake for ``make run``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=FAKE_PORT)
    base = os.environ.get("TASKMANAGER_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    parser.add_argument("--webhook-url", default=f"{base}/billing/stripe/webhook")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    fake = FakeStripe(
        webhook_url=args.webhook_url,
        webhook_secret=FAKE_SETTINGS["STRIPE_WEBHOOK_SECRET"],
        api_key=FAKE_SETTINGS["STRIPE_SECRET_KEY"],
        port=args.port,
    )
    print(f"Fake Stripe on {fake.url}, delivering webhooks to {args.webhook_url}", flush=True)
    fake._server.serve_forever()


if __name__ == "__main__":
    main()
