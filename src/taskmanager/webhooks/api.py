"""Outgoing webhooks through the API: endpoints, secret rotation, the delivery log."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask.typing import ResponseReturnValue

from taskmanager.api.bearer import bearer
from taskmanager.api.bearer import caller
from taskmanager.api.bearer import who
from taskmanager.api.http import created
from taskmanager.api.http import etag
from taskmanager.api.http import if_match
from taskmanager.api.http import paged
from taskmanager.api.http import responses
from taskmanager.api.schemas import IfMatch
from taskmanager.orgs import services as orgs
from taskmanager.orgs.models import Membership
from taskmanager.schemas import Page
from taskmanager.schemas import PageQuery
from taskmanager.webhooks import services
from taskmanager.webhooks.models import WebhookEndpoint
from taskmanager.webhooks.schemas import DeliveryOut
from taskmanager.webhooks.schemas import DeliveryQuery
from taskmanager.webhooks.schemas import WebhookCreated
from taskmanager.webhooks.schemas import WebhookIn
from taskmanager.webhooks.schemas import WebhookOut
from taskmanager.webhooks.schemas import WebhookUpdate

bp = APIBlueprint("api_webhooks", __name__, url_prefix="/api/v1", tag="Webhooks")

SIGNING = (
    "Each request carries `webhook-id`, `webhook-timestamp` and `webhook-signature` "
    "(Standard Webhooks): `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under the "
    "secret's bytes (the base64 after `whsec_`)."
)


def _endpoint(endpoint_id: int) -> tuple[Membership, WebhookEndpoint]:
    me = orgs.access_for(user=caller(), model=WebhookEndpoint, object_id=endpoint_id)
    return me, services.get_endpoint(actor=me, endpoint_id=endpoint_id)


@bp.get("/orgs/<int:org_id>/webhooks")
@bp.auth_required(bearer)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(Page[WebhookOut])
@bp.doc(
    summary="The organization's webhooks (owners and admins)",
    responses=responses(403, 404, headers=["Link"]),
)
def list_webhooks(org_id: int, query: PageQuery) -> ResponseReturnValue:
    me = orgs.access(user=who(), org_id=org_id)
    services.list_endpoints(actor=me)  # the role check
    return paged(
        services.endpoints_query(me.organization_id), page=query.page,
        per_page=query.per_page, out=WebhookOut.model_validate,
    )  # fmt: skip


@bp.post("/orgs/<int:org_id>/webhooks")
@bp.auth_required(bearer)
@bp.input(WebhookIn, arg_name="data")
@bp.output(WebhookCreated, status_code=201)
@bp.doc(
    summary="Add a webhook (owners and admins); the answer holds the secret, once",
    description=SIGNING + " The URL must be public HTTPS: private, loopback, link-local "
    "and reserved addresses, and hosts that do not resolve, are refused (422).",
    responses=responses(403, 404, 409, 422, status=201, headers=["ETag", "Location"]),
)
def create_webhook(org_id: int, data: WebhookIn) -> Any:
    me = orgs.access(user=caller(), org_id=org_id)
    endpoint = services.create_endpoint(actor=me, data=data)
    headers = {**etag(endpoint.version), **created(f"/api/v1/webhooks/{endpoint.id}")}
    return WebhookCreated.model_validate(endpoint), 201, headers


@bp.get("/webhooks/<int:endpoint_id>")
@bp.auth_required(bearer)
@bp.output(WebhookOut)
@bp.doc(summary="One webhook (no secret)", responses=responses(403, 404, headers=["ETag"]))
def get_webhook(endpoint_id: int) -> Any:
    endpoint = _endpoint(endpoint_id)[1]
    return WebhookOut.model_validate(endpoint), 200, etag(endpoint.version)


@bp.patch("/webhooks/<int:endpoint_id>")
@bp.auth_required(bearer)
@bp.input(WebhookUpdate, arg_name="data")
@bp.input(IfMatch, location="headers", arg_name="condition")
@bp.output(WebhookOut)
@bp.doc(
    summary="Change a webhook; `active: true` enables a disabled one",
    responses=responses(403, 404, 412, 422, headers=["ETag"]),
)
def update_webhook(endpoint_id: int, data: WebhookUpdate, condition: IfMatch) -> Any:
    me, endpoint = _endpoint(endpoint_id)
    expected = if_match(condition.if_match)
    services.update_endpoint(actor=me, endpoint=endpoint, data=data, expected_version=expected)
    return WebhookOut.model_validate(endpoint), 200, etag(endpoint.version)


@bp.delete("/webhooks/<int:endpoint_id>")
@bp.auth_required(bearer)
@bp.output({}, status_code=204)
@bp.doc(summary="Delete a webhook and its log", responses=responses(403, 404))
def delete_webhook(endpoint_id: int) -> tuple[str, int]:
    me, endpoint = _endpoint(endpoint_id)
    services.delete_endpoint(actor=me, endpoint=endpoint)
    return "", 204


@bp.post("/webhooks/<int:endpoint_id>/rotate-secret")
@bp.auth_required(bearer)
@bp.output(WebhookCreated)
@bp.doc(
    summary="Replace the signing secret; the answer holds the new one, once",
    description="The previous secret keeps signing (a second, space-separated signature) "
    "until `secret_rotating_until`.",
    responses=responses(403, 404, headers=["ETag"]),
)
def rotate_secret(endpoint_id: int) -> Any:
    me, endpoint = _endpoint(endpoint_id)
    services.rotate_secret(actor=me, endpoint=endpoint)
    return WebhookCreated.model_validate(endpoint), 200, etag(endpoint.version)


@bp.get("/webhooks/<int:endpoint_id>/deliveries")
@bp.auth_required(bearer)
@bp.input(DeliveryQuery, location="query", arg_name="query")
@bp.output(Page[DeliveryOut])
@bp.doc(
    summary="The delivery log, newest first, each with its attempts",
    responses=responses(403, 404, headers=["Link"]),
)
def list_deliveries(endpoint_id: int, query: DeliveryQuery) -> ResponseReturnValue:
    endpoint = _endpoint(endpoint_id)[1]
    return paged(
        services.deliveries_query(endpoint), page=query.page, per_page=query.per_page,
        out=DeliveryOut.model_validate,
    )  # fmt: skip


@bp.post("/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/redeliver")
@bp.auth_required(bearer)
@bp.output(DeliveryOut, status_code=202)
@bp.doc(
    summary="Send a delivery's message again (same webhook-id)",
    responses=responses(403, 404, 409, status=202),
)
def redeliver(endpoint_id: int, delivery_id: int) -> Any:
    me, endpoint = _endpoint(endpoint_id)
    delivery = services.get_delivery(endpoint=endpoint, delivery_id=delivery_id)
    again = services.redeliver(actor=me, delivery=delivery)
    return DeliveryOut.model_validate(again), 202
