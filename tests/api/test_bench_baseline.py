"""The raw baseline of ``make bench`` answers what the product answers (issue 17).

P2-P4 compare the product's throughput with ``bench/baseline``'s; the ratio means
something only while the baseline does the product's work. So both answer the same
requests against the same committed rows, and their bodies must agree field by field:
a field the product gains (say, a new count on every task) fails here until the
baseline reads it too.
"""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import Client

from bench.baseline.app import Baseline
from tests.api.conftest import sign_in
from tests.conftest import DATABASE_URL
from tests.factories import make_label
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task

# Values that differ between two creations by design (the row's id and clock).
OWN_TO_EACH_CREATION = {"id", "created_at", "updated_at", "position"}


@pytest.fixture
def world(committed_app: Any, make_user: Any) -> Any:
    owner = make_user(name="Ada Owner")
    org = make_org(committed_app, owner)
    project = make_project(committed_app, org)
    label = make_label(committed_app, org)
    for n in range(3):
        make_task(
            committed_app, project, owner, title=f"Task {n}", label_ids=[label.id],
            assignee_id=owner.id if n else None,
        )  # fmt: skip
    token = sign_in(committed_app.test_client(), owner)["access_token"]
    baseline = Baseline(
        DATABASE_URL.replace("postgresql+psycopg://", "postgresql://"),
        committed_app.config["SECRET_KEY"],
        "",
    )
    yield committed_app.test_client(), Client(baseline), project, token
    baseline.pool.close()


def both(world: Any, method: str, path: str, body: Any = None) -> tuple[Any, Any]:
    product, baseline, _, token = world
    headers = {"Authorization": f"Bearer {token}"}
    answers = [
        client.open(f"/api/v1{path}", method=method, headers=headers, json=body)
        for client in (product, baseline)
    ]
    assert [a.status_code for a in answers] == [answers[0].status_code] * 2
    return answers[0].get_json(), answers[1].get_json()


def test_a_task_reads_the_same(world):
    project = world[2]
    page, _ = both(world, "GET", f"/projects/{project.id}/tasks")
    task_id = page["items"][-1]["id"]
    product, baseline = both(world, "GET", f"/tasks/{task_id}")
    assert baseline == product


def test_a_page_reads_the_same(world):
    project = world[2]
    product, baseline = both(world, "GET", f"/projects/{project.id}/tasks?per_page=2")
    assert baseline["items"] == product["items"]
    assert (baseline["total"], baseline["pages"]) == (product["total"], product["pages"])


def test_a_creation_answers_the_same(world):
    project = world[2]
    body = {"title": "Write the report", "priority": "high"}
    product, baseline = both(world, "POST", f"/projects/{project.id}/tasks", body)
    assert baseline.keys() == product.keys()
    for key in product.keys() - OWN_TO_EACH_CREATION:
        assert baseline[key] == product[key], key
