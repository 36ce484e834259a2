"""The wire format of billing: an organization's usage against its plan."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from pydantic import Field


class MeterOut(BaseModel):
    used: int = Field(description="How much is used now.")
    limit: int | None = Field(description="What the plan in force allows; null: no limit.")


class UsageOut(BaseModel):
    plan: str = Field(description="The organization's plan: free or pro.")
    limits_plan: str = Field(
        description="The plan whose limits apply now: free while a paid subscription "
        "is past due or canceled."
    )
    subscription_status: str | None = Field(description="Stripe's status, null on free.")
    members: MeterOut = Field(description="Members plus pending invitations.")
    projects: MeterOut = Field(description="Active (not archived) projects.")
    storage_bytes: MeterOut = Field(description="Bytes of attachments stored.")
    largest_file_bytes: int | None = Field(description="The largest upload allowed.")
    last_payment_failed_at: datetime | None = None
