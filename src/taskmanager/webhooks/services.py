"""Webhook endpoints: add, change, rotate the secret, delete, redeliver (owners and admins).

Pages and the API call these. Every change is in the organization's history, under
a subject only roles that manage webhooks see (the URL can carry a token).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import Select
from sqlalchemy import select

from taskmanager.activity import services as activity
from taskmanager.concurrency import check_version
from taskmanager.db import utcnow
from taskmanager.errors import Conflict
from taskmanager.errors import NotFound
from taskmanager.extensions import db
from taskmanager.jobs import enqueue_after_commit
from taskmanager.orgs.models import Membership
from taskmanager.policy import Action
from taskmanager.policy import require
from taskmanager.webhooks import signing
from taskmanager.webhooks import targets
from taskmanager.webhooks.flag import sync_flag
from taskmanager.webhooks.jobs import deliver
from taskmanager.webhooks.models import WebhookDelivery
from taskmanager.webhooks.models import WebhookEndpoint
from taskmanager.webhooks.schemas import WebhookIn
from taskmanager.webhooks.schemas import WebhookUpdate

MAX_ENDPOINTS = 20


def allow_private_targets() -> bool:
    return targets.private_allowed(current_app.config)


def _record(actor: Membership, endpoint: WebhookEndpoint, verb: str, **extra: Any) -> None:
    activity.record(
        organization_id=endpoint.organization_id, actor=actor.user, verb=verb,
        subject_type="webhook", subject_id=endpoint.id,
        subject_title=urlsplit(endpoint.url).hostname or endpoint.url, **extra,
    )  # fmt: skip


def endpoints_query(organization_id: int) -> Select[WebhookEndpoint]:
    return (
        select(WebhookEndpoint)
        .where(WebhookEndpoint.organization_id == organization_id)
        .order_by(WebhookEndpoint.id)
    )


def list_endpoints(*, actor: Membership) -> list[WebhookEndpoint]:
    require(actor.role, Action.MANAGE_WEBHOOKS)
    return list(db.session.scalars(endpoints_query(actor.organization_id)))


def get_endpoint(*, actor: Membership, endpoint_id: int) -> WebhookEndpoint:
    """The organization's endpoint ``endpoint_id``.

    Raises:
        NotFound: no such endpoint in this organization.
        Forbidden: the role cannot manage webhooks.
    """
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    # Existence first: another organization's id is 404 whatever the caller's role.
    if endpoint is None or endpoint.organization_id != actor.organization_id:
        raise NotFound("No such webhook.")
    require(actor.role, Action.MANAGE_WEBHOOKS)
    return endpoint


def create_endpoint(*, actor: Membership, data: WebhookIn) -> WebhookEndpoint:
    """A new endpoint with a fresh secret (``endpoint.secret``: show it now, once).

    Raises:
        Forbidden: the role cannot manage webhooks.
        ValidationFailed: the URL is not a public HTTPS address (see targets.py).
        Conflict: the organization already has ``MAX_ENDPOINTS``.
    """
    require(actor.role, Action.MANAGE_WEBHOOKS)
    targets.check(data.url, allow_private=allow_private_targets())
    if len(list_endpoints(actor=actor)) >= MAX_ENDPOINTS:
        raise Conflict(f"An organization can have {MAX_ENDPOINTS} webhooks; delete one first.")
    endpoint = WebhookEndpoint(
        organization_id=actor.organization_id, url=data.url, description=data.description,
        events=list(dict.fromkeys(data.events)), secret=signing.new_secret(),
        created_by_id=actor.user_id,
    )  # fmt: skip
    db.session.add(endpoint)
    db.session.flush()
    _record(actor, endpoint, "webhook.created")
    sync_flag(endpoint.organization_id)
    db.session.commit()
    return endpoint


def update_endpoint(
    *, actor: Membership, endpoint: WebhookEndpoint, data: WebhookUpdate,
    expected_version: int | None = None,
) -> WebhookEndpoint:  # fmt: skip
    """Change the fields sent; ``active=True`` enables a disabled endpoint again.

    Raises:
        ValidationFailed: a new URL is not a public HTTPS address.
        StaleVersion: ``expected_version`` is not the endpoint's current version.
    """
    require(actor.role, Action.MANAGE_WEBHOOKS)
    check_version(endpoint, expected_version, noun="webhook")
    sent = data.model_dump(exclude_unset=True, exclude_none=True)
    if "url" in sent:
        targets.check(sent["url"], allow_private=allow_private_targets())
    if "events" in sent:
        sent["events"] = list(dict.fromkeys(sent["events"]))
    changes = {
        name: [getattr(endpoint, name), value]
        for name, value in sent.items()
        if getattr(endpoint, name) != value
    }
    for name, (_, value) in changes.items():
        setattr(endpoint, name, value)
    if changes.get("active") == [False, True]:
        endpoint.disabled_reason = None
    if changes:
        endpoint.version += 1
        _record(actor, endpoint, "webhook.updated", changes=changes)
        sync_flag(endpoint.organization_id)
    db.session.commit()
    return endpoint


def rotate_secret(*, actor: Membership, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret; the old one keeps signing (a second signature) for the overlap."""
    require(actor.role, Action.MANAGE_WEBHOOKS)
    overlap = timedelta(seconds=float(current_app.config["WEBHOOK_SECRET_OVERLAP_SECONDS"]))
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = utcnow() + overlap
    endpoint.secret = signing.new_secret()
    endpoint.version += 1
    _record(actor, endpoint, "webhook.secret_rotated")
    db.session.commit()
    return endpoint


def delete_endpoint(*, actor: Membership, endpoint: WebhookEndpoint) -> None:
    require(actor.role, Action.MANAGE_WEBHOOKS)
    _record(actor, endpoint, "webhook.deleted")
    db.session.delete(endpoint)
    sync_flag(endpoint.organization_id)
    db.session.commit()


def deliveries_query(endpoint: WebhookEndpoint) -> Select[WebhookDelivery]:
    """The endpoint's deliveries, newest first (each with its attempts)."""
    return (
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.id.desc())
    )


def get_delivery(*, endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint.id:
        raise NotFound("No such delivery.")
    return delivery


def redeliver(*, actor: Membership, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery's message again, as a new delivery with the same ``webhook-id``.

    Raises:
        Conflict: the endpoint is disabled (enable it first).
    """
    require(actor.role, Action.MANAGE_WEBHOOKS)
    endpoint = db.session.get(WebhookEndpoint, delivery.endpoint_id)
    if endpoint is None or not endpoint.active:
        raise Conflict("This webhook is disabled; enable it, then redeliver.")
    again = WebhookDelivery(
        organization_id=delivery.organization_id, endpoint_id=delivery.endpoint_id,
        message_id=delivery.message_id, event_type=delivery.event_type, body=delivery.body,
        next_attempt_at=utcnow(),
    )  # fmt: skip
    db.session.add(again)
    db.session.flush()
    enqueue_after_commit(deliver, delivery_id=again.id, attempt=1)
    db.session.commit()
    return again
