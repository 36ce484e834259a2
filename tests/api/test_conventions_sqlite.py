"""Idempotency keys and rate limits on the embedded default: SQLite, limits in memory."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from taskmanager.api.models import IdempotencyKey
from taskmanager.db import utcnow
from taskmanager.extensions import db
from tests.api.conftest import Api
from tests.api.conftest import sign_in
from tests.factories import make_user
from tests.support.sqlite_app import sqlite_app as embedded

pytestmark = pytest.mark.sqlite


@pytest.fixture
def sqlite_app(tmp_path):
    with embedded(tmp_path, API_WRITE_RATE_LIMIT="4 per minute") as app:
        yield app


@pytest.fixture
def api(sqlite_app):
    user = make_user(sqlite_app)
    client = sqlite_app.test_client()
    return Api(client, sign_in(client, user)["access_token"])


def test_a_retry_replays_and_another_body_conflicts_on_sqlite(sqlite_app, api):
    key = {"Idempotency-Key": "sqlite-1"}

    first = api.post("/orgs", json={"name": "Acme"}, headers=key)
    retry = api.post("/orgs", json={"name": "Acme"}, headers=key)
    other = api.post("/orgs", json={"name": "Beta"}, headers=key)

    assert first.status_code == retry.status_code == 201
    assert retry.json == first.json
    assert retry.headers["Location"] == first.headers["Location"]
    assert other.status_code == 409
    assert [org["name"] for org in api.get("/orgs").json["items"]] == ["Acme"]


def test_an_expired_key_runs_again_on_sqlite(sqlite_app, api):
    key = {"Idempotency-Key": "sqlite-2"}
    first = api.post("/orgs", json={"name": "Acme"}, headers=key)
    with sqlite_app.app_context():
        old = utcnow() - timedelta(hours=25)
        db.session.execute(update(IdempotencyKey).values(created_at=old))
        db.session.commit()

    again = api.post("/orgs", json={"name": "Acme"}, headers=key)

    assert again.json["id"] != first.json["id"]


def test_the_write_budget_holds_with_limits_in_memory(api):
    answers = [api.patch("/me", json={"name": f"N{n}"}) for n in range(5)]

    assert [a.status_code for a in answers] == [200] * 4 + [429]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers[:4]] == ["3", "2", "1", "0"]
