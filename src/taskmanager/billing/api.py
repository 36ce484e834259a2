"""``GET /api/v1/orgs/{id}/usage``: counts and bytes against the plan's limits."""

from __future__ import annotations

from apiflask import APIBlueprint

from taskmanager.api.bearer import bearer
from taskmanager.api.bearer import who
from taskmanager.billing import usage as usage_service
from taskmanager.billing.schemas import MeterOut
from taskmanager.billing.schemas import UsageOut
from taskmanager.orgs import services as orgs
from taskmanager.orgs.models import Organization

bp = APIBlueprint("api_billing", __name__, url_prefix="/api/v1", tag="Billing")


def usage_out(org: Organization) -> UsageOut:
    found = usage_service.usage(org)

    def meter(m: usage_service.Meter) -> MeterOut:
        return MeterOut(used=m.used, limit=m.limit)

    return UsageOut(
        plan=org.plan,
        limits_plan=found.plan.name.value,
        subscription_status=org.subscription_status,
        members=meter(found.members),
        projects=meter(found.projects),
        storage_bytes=meter(found.storage_bytes),
        largest_file_bytes=found.plan.largest_file_bytes,
        last_payment_failed_at=org.last_payment_failed_at,
    )


@bp.get("/orgs/<int:org_id>/usage")
@bp.auth_required(bearer)
@bp.output(UsageOut)
@bp.doc(summary="Usage against the plan's limits (any member)", responses=[404])
def get_usage(org_id: int) -> UsageOut:
    return usage_out(orgs.access(user=who(), org_id=org_id).organization)
