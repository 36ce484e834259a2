"""The ``/o/<slug>/...`` pages: one blueprint whose loader checks membership once.

Every view under it finds the caller's membership in ``g.membership`` and runs
scoped to that organization; another organization's slug, or any id that belongs to
another organization, is a 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import g
from flask_security import auth_required
from flask_security import current_user

from taskmanager.orgs import services
from taskmanager.orgs.models import Membership

workspace = Blueprint("org", __name__, url_prefix="/o/<slug>")


@workspace.url_value_preprocessor
def _load_membership(endpoint: str | None, values: dict[str, Any] | None) -> None:
    slug = (values or {}).pop("slug", None)
    g.org_slug = slug


@workspace.before_request
@auth_required("session")
def _require_membership() -> None:
    g.membership = services.access(user=current_user, slug=g.org_slug)


@workspace.url_defaults
def _add_slug(endpoint: str, values: dict[str, Any]) -> None:
    if "slug" not in values and g.get("org_slug"):
        values["slug"] = g.org_slug


def membership() -> Membership:
    """The signed-in user's membership in the organization of this request."""
    found: Membership = g.membership
    return found
