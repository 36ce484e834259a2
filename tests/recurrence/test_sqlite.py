"""On the embedded default (SQLite): a repeating task's next occurrence, made once."""

import threading

import pytest

from taskmanager.recurrence import jobs
from tests.api.conftest import Api
from tests.api.conftest import sign_in
from tests.factories import make_user
from tests.support.sqlite_app import sqlite_app as embedded

pytestmark = pytest.mark.sqlite


@pytest.fixture
def sqlite_app(tmp_path):
    with embedded(tmp_path) as app:
        yield app


def test_two_deliveries_at_once_make_one_occurrence_on_sqlite(sqlite_app):
    user = make_user(sqlite_app)
    client = sqlite_app.test_client()
    api = Api(client, sign_in(client, user)["access_token"])
    org = api.post("/orgs", json={"name": "Lite"}).json["id"]
    project = api.post(f"/orgs/{org}/projects", json={"name": "Chores"}).json["id"]
    body = {"title": "Bins out", "due_at": "2026-10-22T18:00:00Z"}
    task = api.post(f"/projects/{project}/tasks", json=body).json["id"]
    put = api.request(
        "PUT",
        f"/tasks/{task}/recurrence",
        json={"rule": "FREQ=WEEKLY", "timezone": "Europe/London"},
    )
    assert put.json["recurrence"]["summary"] == "Weekly on Thu"
    assert api.patch(f"/tasks/{task}", json={"status": "done"}).status_code == 200
    barrier = threading.Barrier(2)
    made: list[int | None] = []

    def deliver():
        with sqlite_app.app_context():
            barrier.wait()
            made.append(jobs.make_next_occurrence(task_id=task, now="2026-10-22T19:00:00+00:00"))

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert made.count(None) == 1, made
    items = api.get(f"/projects/{project}/tasks").json["items"]
    assert len(items) == 2
    following = next(item for item in items if item["status"] == "todo")
    # 19:00 in London before the change (BST, +01:00), 19:00 after it (GMT).
    assert following["due_at"] == "2026-10-29T19:00:00Z"
    assert following["recurrence"]["rule"] == "FREQ=WEEKLY;BYDAY=TH"
