"""Webhook pages under the organization: the list with a form, one endpoint and its log."""

from __future__ import annotations

from typing import Any

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from werkzeug import Response

from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.orgs.workspace import membership
from taskmanager.orgs.workspace import workspace
from taskmanager.schemas import parse
from taskmanager.web import form_action
from taskmanager.webhooks import services
from taskmanager.webhooks.models import EVENT_TYPES
from taskmanager.webhooks.models import WebhookEndpoint
from taskmanager.webhooks.schemas import WebhookIn
from taskmanager.webhooks.schemas import WebhookUpdate

LOG_SIZE = 50


def _form() -> dict[str, Any]:
    return {
        "url": request.form.get("url", ""),
        "description": request.form.get("description", ""),
        "events": request.form.getlist("events"),
    }


def _list_page(**extra: Any) -> str:
    me = membership()
    return render_template(
        "webhooks/index.html", org=me.organization, endpoints=services.list_endpoints(actor=me),
        event_types=EVENT_TYPES, **extra,
    )  # fmt: skip


def _endpoint_page(endpoint: WebhookEndpoint, **extra: Any) -> str:
    deliveries = db.session.scalars(services.deliveries_query(endpoint).limit(LOG_SIZE)).all()
    return render_template(
        "webhooks/endpoint.html", org=membership().organization, endpoint=endpoint,
        deliveries=deliveries, event_types=EVENT_TYPES, **extra,
    )  # fmt: skip


@workspace.get("/webhooks")
def webhooks() -> str:
    return _list_page()


@workspace.post("/webhooks")
def create_webhook() -> ResponseReturnValue:
    me = membership()
    try:
        endpoint = services.create_endpoint(actor=me, data=parse(WebhookIn, _form()))
    except ValidationFailed as error:
        db.session.rollback()
        return _list_page(typed=_form(), errors=error.details or {"url": error.message}), 422
    # Shown in this answer only: the secret is never on a page again.
    return _endpoint_page(endpoint, secret=endpoint.secret, created=True)


@workspace.get("/webhooks/<int:endpoint_id>")
def webhook(endpoint_id: int) -> str:
    return _endpoint_page(services.get_endpoint(actor=membership(), endpoint_id=endpoint_id))


@workspace.post("/webhooks/<int:endpoint_id>")
def update_webhook(endpoint_id: int) -> ResponseReturnValue:
    me = membership()
    endpoint = services.get_endpoint(actor=me, endpoint_id=endpoint_id)
    try:
        data = parse(WebhookUpdate, _form())
        services.update_endpoint(actor=me, endpoint=endpoint, data=data)
    except ValidationFailed as error:
        db.session.rollback()
        errors = error.details or {"url": error.message}
        return _endpoint_page(endpoint, typed=_form(), errors=errors), 422
    flash("Webhook saved.", "success")
    return redirect(url_for("org.webhook", endpoint_id=endpoint.id), 303)


@workspace.post("/webhooks/<int:endpoint_id>/active")
def toggle_webhook(endpoint_id: int) -> Response:
    me = membership()
    endpoint = services.get_endpoint(actor=me, endpoint_id=endpoint_id)
    active = request.form.get("active") == "1"
    return form_action(
        lambda: services.update_endpoint(
            actor=me, endpoint=endpoint, data=WebhookUpdate(active=active)
        ),
        success="Webhook enabled." if active else "Webhook disabled: nothing is sent to it.",
        back=url_for("org.webhook", endpoint_id=endpoint.id),
    )


@workspace.post("/webhooks/<int:endpoint_id>/rotate")
def rotate_webhook_secret(endpoint_id: int) -> ResponseReturnValue:
    me = membership()
    endpoint = services.rotate_secret(
        actor=me, endpoint=services.get_endpoint(actor=me, endpoint_id=endpoint_id)
    )
    return _endpoint_page(endpoint, secret=endpoint.secret)


@workspace.post("/webhooks/<int:endpoint_id>/delete")
def delete_webhook(endpoint_id: int) -> Response:
    me = membership()
    services.delete_endpoint(
        actor=me, endpoint=services.get_endpoint(actor=me, endpoint_id=endpoint_id)
    )
    flash("Webhook deleted.", "success")
    return redirect(url_for("org.webhooks"), 303)


@workspace.post("/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/redeliver")
def redeliver_webhook(endpoint_id: int, delivery_id: int) -> Response:
    me = membership()
    endpoint = services.get_endpoint(actor=me, endpoint_id=endpoint_id)
    delivery = services.get_delivery(endpoint=endpoint, delivery_id=delivery_id)
    return form_action(
        lambda: services.redeliver(actor=me, delivery=delivery),
        success="Sent again; the new delivery is at the top of the log.",
        back=url_for("org.webhook", endpoint_id=endpoint.id),
    )
