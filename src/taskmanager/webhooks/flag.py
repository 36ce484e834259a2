"""``Organization.has_webhooks``: kept true exactly while an endpoint is active."""

from __future__ import annotations

from sqlalchemy import select

from taskmanager.extensions import db
from taskmanager.orgs.models import Organization
from taskmanager.webhooks.models import WebhookEndpoint


def sync_flag(organization_id: int) -> None:
    """Set the organization's flag from its endpoints, in the caller's transaction."""
    db.session.flush()
    active = db.session.scalar(
        select(WebhookEndpoint.id)
        .where(WebhookEndpoint.organization_id == organization_id, WebhookEndpoint.active)
        .limit(1)
    )
    org = db.session.get(Organization, organization_id)
    if org is not None:
        org.has_webhooks = active is not None
