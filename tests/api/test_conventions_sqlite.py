"""Idempotency keys and rate limits on the embedded default: SQLite, limits in memory."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from taskmanager import create_app
from taskmanager.api.models import IdempotencyKey
from taskmanager.db import utcnow
from taskmanager.extensions import db
from tests.api.conftest import Api
from tests.api.conftest import sign_in
from tests.factories import make_user
from tests.support.sqlite_app import migrate

pytestmark = pytest.mark.sqlite


@pytest.fixture
def sqlite_app(request, tmp_path):
    # A test may ask for another write budget (parametrize sqlite_app, indirect).
    write_limit = getattr(request, "param", "4 per minute")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "sqlite-test-secret-key-0123456789abcdef",
            "DATABASE_URL": f"sqlite:///{tmp_path}/taskmanager.sqlite3",
            "BROKER_URL": f"sqla+sqlite:///{tmp_path}/broker.sqlite3",
            "OUTBOX_DIR": str(tmp_path / "outbox"),
            "API_WRITE_RATE_LIMIT": write_limit,
        }
    )
    migrate(app)
    yield app
    with app.app_context():
        db.engine.dispose()


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


@pytest.mark.parametrize("sqlite_app", ["100 per minute"], indirect=True)
def test_tasks_read_as_rows_show_their_labels_and_assignee_on_sqlite(api):
    # The API's task reads ask for rows (tasks/reading.py); SQLite has no arrays, so the
    # page's labels come by an IN list there.
    org = api.post("/orgs", json={"name": "Acme"}).json
    project = api.post(f"/orgs/{org['id']}/projects", json={"name": "Launch"}).json
    labels = [
        api.post(f"/orgs/{org['id']}/labels", json={"name": name}).json for name in ("b", "a")
    ]
    me = api.get("/me").json
    body = {
        "title": "Ship",
        "label_ids": [label["id"] for label in labels],
        "assignee_id": me["id"],
    }
    created = api.post(f"/projects/{project['id']}/tasks", json=body).json
    api.post(f"/projects/{project['id']}/tasks", json={"title": "Plain"})

    read = api.get(f"/tasks/{created['id']}").json
    page = api.get(f"/projects/{project['id']}/tasks?sort=title").json

    assert read == created
    assert [label["name"] for label in read["labels"]] == ["a", "b"]
    assert read["assignee"] == {"id": me["id"], "name": me["name"] or me["email"].split("@")[0]}
    assert [task["title"] for task in page["items"]] == ["Plain", "Ship"]
    assert page["items"][1] == created and page["items"][0]["labels"] == []
    assert page["total"] == 2
