"""Delivering webhooks: one attempt per job, retried on a schedule, then given up.

``deliver(delivery_id, attempt)`` is idempotent: it claims attempt N only while the
delivery is pending, has made N-1 attempts and is due, so a redelivered or
duplicated job does nothing. The claim moves ``next_attempt_at`` a lease ahead: if
the worker dies mid-request, the sweep publishes the next attempt once it passes.
After the last retry of ``WEBHOOK_RETRY_SCHEDULE`` (about a day) the endpoint is
disabled and the organization's owners are emailed.
"""

from __future__ import annotations

import json
import math
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from celery import shared_task
from flask import current_app
from flask import render_template
from sqlalchemy import select

from taskmanager import links
from taskmanager import tenancy
from taskmanager.db import utcnow
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.jobs import requeue
from taskmanager.mail.services import queue_email
from taskmanager.orgs.models import Membership
from taskmanager.orgs.models import Organization
from taskmanager.webhooks import sender
from taskmanager.webhooks import signing
from taskmanager.webhooks import targets
from taskmanager.webhooks.flag import sync_flag
from taskmanager.webhooks.models import WebhookAttempt
from taskmanager.webhooks.models import WebhookDelivery
from taskmanager.webhooks.models import WebhookEndpoint

# Longer than one attempt can take (connect and read timeouts), shorter than a retry.
LEASE = timedelta(seconds=120)
# A countdown may fire a hair before the stored time; the shortest real delay is 5 s.
EARLY = timedelta(seconds=1)


def _schedule() -> list[float]:
    return [float(seconds) for seconds in current_app.config["WEBHOOK_RETRY_SCHEDULE"]]


def _claim(delivery_id: int, attempt: int) -> WebhookDelivery | None:
    delivery = db.session.scalar(
        select(WebhookDelivery).where(WebhookDelivery.id == delivery_id).with_for_update()
    )
    now = utcnow()
    if (
        delivery is None
        or delivery.state != "pending"
        or delivery.attempts != attempt - 1
        or (delivery.next_attempt_at is not None and delivery.next_attempt_at > now + EARLY)
    ):
        db.session.rollback()
        return None
    delivery.attempts = attempt
    delivery.next_attempt_at = now + LEASE
    db.session.commit()
    return delivery


def _send(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> sender.Outcome:
    allow = targets.private_allowed(current_app.config)
    try:
        target = targets.parse(endpoint.url, allow_private=allow)
        addresses = targets.resolve(target, allow_private=allow)
    except ValidationFailed as refused:
        return sender.Outcome(None, 0, str(refused.details.get("url", refused.message))[:300])
    now = utcnow()
    in_use = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and expires > now:
        in_use.append(endpoint.previous_secret)
    body = delivery.body.encode()
    headers = signing.headers(
        in_use, message_id=delivery.message_id, timestamp=math.floor(now.timestamp()), body=body
    )
    return sender.post(target, addresses[0], body=body, headers=headers)


@shared_task
def deliver(*, delivery_id: int, attempt: int) -> str:
    """Make attempt ``attempt`` of delivery ``delivery_id``, if it is still due."""
    with tenancy.system():
        delivery = _claim(delivery_id, attempt)
        if delivery is None:
            return "not due"
        endpoint = db.session.get(WebhookEndpoint, delivery.endpoint_id)
        if endpoint is None or not endpoint.active:
            delivery.state, delivery.next_attempt_at = "failed", None
            db.session.commit()
            return "endpoint disabled"
        outcome = _send(endpoint, delivery)
        db.session.add(
            WebhookAttempt(
                organization_id=delivery.organization_id, delivery_id=delivery.id,
                number=attempt, status_code=outcome.status_code,
                duration_ms=outcome.duration_ms, error=outcome.error,
            )
        )  # fmt: skip
        schedule = _schedule()
        if outcome.ok:
            delivery.state, delivery.next_attempt_at = "succeeded", None
        elif attempt <= len(schedule):
            delay = schedule[attempt - 1]
            delivery.next_attempt_at = utcnow() + timedelta(seconds=delay)
            db.session.commit()
            # Committed first: the next attempt finds this one counted. Lost (broker
            # down, or a long countdown dropped), the sweep publishes it when due.
            task = current_app.extensions["celery"].tasks[deliver.name]
            task.apply_async(
                kwargs={"delivery_id": delivery.id, "attempt": attempt + 1}, countdown=delay
            )
            return "retrying"
        else:
            delivery.state, delivery.next_attempt_at = "failed", None
            _disable(endpoint, delivery, outcome)
        db.session.commit()
        return delivery.state


def _disable(endpoint: WebhookEndpoint, delivery: WebhookDelivery, outcome: sender.Outcome) -> None:
    """Turn the endpoint off after a delivery ran out of retries, and tell the owners."""
    last = f"HTTP {outcome.status_code}" if outcome.status_code else (outcome.error or "no answer")
    endpoint.active = False
    endpoint.disabled_reason = (
        f"Disabled after {delivery.attempts} failed attempts to deliver "
        f"{delivery.event_type} (last: {last})."
    )[:300]
    sync_flag(endpoint.organization_id)
    org = db.session.get(Organization, endpoint.organization_id)
    owners = db.session.scalars(
        select(Membership).where(
            Membership.organization_id == endpoint.organization_id, Membership.role == "owner"
        )
    ).all()
    if org is None:
        return
    link = links.external("org.webhook", slug=org.slug, endpoint_id=endpoint.id)
    for owner in owners:
        queue_email(
            to=owner.user.email,
            subject=f"A webhook of {org.name} was disabled",
            text=render_template(
                "email/webhook_disabled.txt", org=org, endpoint=endpoint, link=link,
                reason=endpoint.disabled_reason, user=owner.user,
            ),
            key=f"webhook-disabled:{endpoint.id}:{delivery.id}:{owner.user_id}",
        )  # fmt: skip


@shared_task
def requeue_due_deliveries(older_than_seconds: int = 60) -> int:
    """Publish the attempts that are due but were not published (or whose worker died)."""
    overdue = utcnow() - timedelta(seconds=older_than_seconds)
    with tenancy.system():
        due = db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.state == "pending", WebhookDelivery.next_attempt_at < overdue)
            .limit(500)
        ).all()
        return requeue(
            "requeue-webhook-deliveries",
            [(deliver, {"delivery_id": d.id, "attempt": d.attempts + 1}) for d in due],
        )


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _json_value(value: object) -> str:
    return _iso(value) if isinstance(value, datetime) else str(value)


def payload(event_type: str, data: dict[str, object]) -> str:
    """A message body as the Standard Webhooks specification shapes it (times in UTC, Z)."""
    message = {"type": event_type, "timestamp": _iso(utcnow()), "data": data}
    return json.dumps(message, default=_json_value, separators=(",", ":"))
