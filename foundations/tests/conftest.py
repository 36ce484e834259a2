"""Fixtures: the three apps, bare and inside the middleware chain."""

from __future__ import annotations

from wsgiref.types import WSGIApplication

import pytest

from foundations.tests.apps import APPS
from foundations.tests.apps import wrap


@pytest.fixture(params=list(APPS))
def bare_app(request: pytest.FixtureRequest) -> WSGIApplication:
    """Each of the three apps on its own."""
    return APPS[request.param]()


@pytest.fixture
def wrapped_app(bare_app: WSGIApplication) -> WSGIApplication:
    """Each of the three apps inside the full middleware chain."""
    return wrap(bare_app)


@pytest.fixture(params=["bare", "wrapped"])
def app(request: pytest.FixtureRequest, bare_app: WSGIApplication) -> WSGIApplication:
    """Each of the three apps, bare and wrapped: the behaviour must not change."""
    return wrap(bare_app) if request.param == "wrapped" else bare_app
