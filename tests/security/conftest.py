"""Two organizations with one object of every kind the URL map names (tests/support/url_map.py)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.support.url_map import Spec
from tests.support.url_map import Tenant

# Written into every name of organization B: an answer to A that contains it leaks B.
MARKER = "Zyxwrival"


@pytest.fixture
def mine(app: Flask, team: Any) -> Tenant:
    """Organization A (``team``): one person per role; its objects are built when asked."""
    return Tenant(app, team.org, team.people["owner"], "Acme", member=team.people["member"])


@pytest.fixture
def theirs(app: Flask, make_user: Any) -> Tenant:
    """Organization B, with one object of every kind built up front."""
    from tests.factories import make_org
    from tests.support.url_map import KINDS

    owner = make_user(name=f"{MARKER} Owner", email=f"{MARKER.lower()}-owner@example.com")
    tenant = Tenant(app, make_org(app, owner, name=f"{MARKER} org"), owner, MARKER)
    for name in KINDS:
        tenant[name]
    return tenant


@pytest.fixture(scope="session")
def spec(app: Flask) -> Spec:
    return Spec(app.test_client().get("/api/v1/openapi.json").get_json())
