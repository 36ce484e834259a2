"""The plans and their limits: product.md §5, as one table.

Every limit check reads this table through ``limits_for``; nothing else spells a
number. A lapsed subscription (``past_due``, ``canceled``) falls back to the free
plan's limits while keeping every stored row readable: limits only block what
would go further.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

MB = 1024 * 1024
GB = 1024 * MB


class PlanName(StrEnum):
    FREE = "free"
    PRO = "pro"


@dataclass(frozen=True)
class Plan:
    """One plan's limits; ``None`` means unlimited."""

    name: PlanName
    members: int | None
    projects: int | None
    storage_bytes: int | None
    largest_file_bytes: int | None


PLANS: dict[PlanName, Plan] = {
    PlanName.FREE: Plan(
        name=PlanName.FREE,
        members=5,
        projects=3,
        storage_bytes=100 * MB,
        largest_file_bytes=10 * MB,
    ),
    PlanName.PRO: Plan(
        name=PlanName.PRO,
        members=100,
        projects=None,
        storage_bytes=20 * GB,
        largest_file_bytes=100 * MB,
    ),
}

# Stripe subscription states in which a paid plan's limits still apply.
ACTIVE_STATES = frozenset({"active", "trialing"})
# States after which a subscription never comes back (Stripe cannot revive one).
ENDED_STATES = frozenset({"canceled", "incomplete_expired"})


class HasPlan(Protocol):
    @property
    def plan(self) -> str: ...

    @property
    def subscription_status(self) -> str | None: ...


def limits_for(org: HasPlan) -> Plan:
    """The limits in force for ``org``: its plan, or free when a paid plan lapsed."""
    try:
        name = PlanName(org.plan)
    except ValueError:
        return PLANS[PlanName.FREE]
    if name is not PlanName.FREE and org.subscription_status not in ACTIVE_STATES:
        return PLANS[PlanName.FREE]
    return PLANS[name]
