"""On the embedded default (SQLite): drops in one spot run out of room, the column is
spread out again, and the board keeps the order asked for."""

import pytest

from taskmanager.tasks import ordering
from tests.api.conftest import Api
from tests.api.conftest import sign_in
from tests.factories import make_user
from tests.support.sqlite_app import sqlite_app as embedded

pytestmark = pytest.mark.sqlite


@pytest.fixture
def api(tmp_path):
    with embedded(tmp_path) as app:
        user = make_user(app)
        client = app.test_client()
        yield Api(client, sign_in(client, user)["access_token"])


def test_drops_in_one_spot_rebalance_and_keep_the_order_on_sqlite(api, monkeypatch):
    made_room = []
    make_room = ordering._make_room
    monkeypatch.setattr(
        ordering, "_make_room", lambda *a, **k: made_room.append(k) or make_room(*a, **k)
    )
    org = api.post("/orgs", json={"name": "Lite"}).json["id"]
    project = api.post(f"/orgs/{org}/projects", json={"name": "Plan"}).json["id"]
    intended = [
        api.post(f"/projects/{project}/tasks", json={"title": f"T{n}"}).json["id"]
        for n in range(12)
    ]
    for _ in range(14):  # the last card, second, again and again
        task_id = intended.pop()
        intended.insert(1, task_id)
        moved = api.patch(f"/tasks/{task_id}", json={"status": "todo", "position": 1})
        assert moved.status_code == 200, moved.json
    assert made_room
    listed = api.get(f"/tasks?project_id={project}&sort=position&per_page=50").json["items"]
    assert [task["id"] for task in listed] == intended
