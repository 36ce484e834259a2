"""Fixtures for the one black-box suite: a real server per framework, and a client.

Each test runs once per framework (``test_x[flask]``, ``[django]``, ``[fastapi]``;
``pytest -k flask`` picks one). pytest groups the tests by framework, so each
server starts once, against a fresh SQLite database, and stops before the next.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from comparison.harness import Server
from comparison.harness import running_server
from comparison.tests.helpers import FRAMEWORKS
from comparison.tests.helpers import PASSWORD
from comparison.tests.helpers import SECRET_KEY
from comparison.tests.helpers import TOKEN_TTL
from comparison.tests.helpers import Account
from comparison.tests.helpers import unique_name

# One TLS context for every test's client. The servers speak plain HTTP, but httpx
# builds a context (loading the CA bundle, ~22 ms of CPU) for each Client it makes
# unless given one: for the suite's ~960 clients that was 20 s of CPU.
TLS_CONTEXT = ssl.create_default_context()


@pytest.fixture(scope="session", params=FRAMEWORKS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    # Cheap password hashing: every test registers users, and each framework's
    # production cost was most of this suite's time (test_hashing.py checks the default).
    env = {
        "BLOG_SECRET_KEY": SECRET_KEY,
        "BLOG_TOKEN_TTL": str(TOKEN_TTL),
        "BLOG_CHEAP_PASSWORD_HASHING": "1",
    }
    workdir = tmp_path_factory.mktemp(request.param)
    with running_server(request.param, workdir, env=env) as running:
        yield running


@pytest.fixture
def api(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=30, verify=TLS_CONTEXT) as client:
        yield client


@pytest.fixture
def register(api: httpx.Client) -> Callable[..., Account]:
    """Register a fresh user through the API and log them in."""

    def register(**fields: str) -> Account:
        username = fields.get("username") or unique_name()
        email = fields.get("email") or f"{username.lower()}@example.com"
        password = fields.get("password") or PASSWORD
        created = api.post(
            "/api/v1/users", json={"username": username, "email": email, "password": password}
        )
        assert created.status_code == 201, created.text
        issued = api.post("/api/v1/tokens", json={"email": email, "password": password})
        assert issued.status_code == 200, issued.text
        return Account(
            id=created.json()["id"],
            username=username,
            email=email,
            password=password,
            token=issued.json()["access_token"],
        )

    return register


@pytest.fixture
def author(register: Callable[..., Account]) -> Account:
    return register()


@pytest.fixture
def stranger(register: Callable[..., Account]) -> Account:
    return register()


@pytest.fixture
def publish(api: httpx.Client) -> Callable[..., dict[str, Any]]:
    """Create a post as ``account`` and return its JSON."""

    def publish(account: Account, title: str = "A title", body: str = "A body") -> dict[str, Any]:
        response = api.post(
            "/api/v1/posts", json={"title": title, "body": body}, headers=account.headers
        )
        assert response.status_code == 201, response.text
        return response.json()

    return publish
