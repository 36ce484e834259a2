"""Task answers carry the card marks (checklist progress, blocked), and lists filter by
blocked: the same expressions the board and the list page use."""

import pytest

from tests.factories import make_task
from tests.support.breakdown import BLOCKED
from tests.support.breakdown import TITLES
from tests.support.breakdown import add_items
from tests.support.breakdown import blocked_and_free
from tests.support.breakdown import link


@pytest.fixture
def blocking(app, team):
    blocked_and_free(app, team)
    return team


def marks(task: dict) -> tuple[int, int, bool]:
    return task["checklist"]["done"], task["checklist"]["total"], task["blocked"]


def test_a_task_shows_its_checklist_progress_and_whether_it_is_blocked(app, team, api_as):
    owner = team.people["owner"]
    api = api_as(team.people["viewer"])
    path = f"/tasks/{team.task.id}"
    assert marks(api.get(path).json) == (0, 0, False)
    first, _ = add_items(app, team.org, owner, team.task.id, "Outline", "Proofread")
    api_as(owner).patch(f"/checklist-items/{first.id}", json={"done": True})
    before = make_task(app, team.project, owner, title="Research")
    link(app, team.org, owner, blocker=before.id, blocked=team.task.id)
    assert marks(api.get(path).json) == (1, 2, True)
    api_as(owner).patch(f"/tasks/{before.id}", json={"status": "done"})
    assert marks(api.get(path).json) == (1, 2, False)


def test_every_task_answer_carries_the_marks(app, team, api_as):
    owner = team.people["owner"]
    add_items(app, team.org, owner, team.task.id, "Outline")
    before = make_task(app, team.project, owner, title="Research", assignee_id=owner.id)
    link(app, team.org, owner, blocker=before.id, blocked=team.task.id)
    api = api_as(owner)
    created = api.post(f"/projects/{team.project.id}/tasks", json={"title": "New"})
    assert marks(created.json) == (0, 0, False)
    changed = api.patch(f"/tasks/{team.task.id}", json={"priority": "high"})
    assert marks(changed.json) == (0, 1, True)
    pages = [
        api.get(f"/projects/{team.project.id}/tasks").json["items"],
        api.get("/tasks").json["items"],
    ]
    for items in pages:
        by_title = {task["title"]: marks(task) for task in items}
        assert by_title["Write the launch post"] == (0, 1, True)
        assert by_title["Research"] == by_title["New"] == (0, 0, False)
    mine = api.get("/my-tasks").json["items"]
    assert [(task["title"], marks(task)) for task in mine] == [("Research", (0, 0, False))]


def test_the_marks_are_documented_in_the_task_schema(api_as, team):
    document = api_as(team.people["viewer"]).get("/openapi.json").json
    task = document["components"]["schemas"]["TaskOut"]
    assert {"checklist", "blocked"} <= set(task["required"])
    assert task["properties"]["blocked"]["type"] == "boolean"


def test_the_api_lists_filter_by_blocked(blocking, api_as):
    team = blocking
    api = api_as(team.people["viewer"])
    for path in (f"/projects/{team.project.id}/tasks", "/tasks"):
        blocked = api.get(f"{path}?blocked=true").json
        assert {t["title"] for t in blocked["items"]} == BLOCKED, path
        assert all(t["blocked"] for t in blocked["items"])
        free = api.get(f"{path}?blocked=false").json
        assert {t["title"] for t in free["items"]} == TITLES - BLOCKED, path
        assert free["total"] == 3 and not any(t["blocked"] for t in free["items"])
        refused = api.get(f"{path}?blocked=sometimes")
        assert refused.status_code == 400 and "blocked" in refused.json["details"]


def test_a_cursor_made_for_one_blocked_filter_does_not_serve_the_other(blocking, api_as):
    team = blocking
    api = api_as(team.people["viewer"])
    path = f"/projects/{team.project.id}/tasks?per_page=1"
    cursor = api.get(f"{path}&blocked=false").json["next_cursor"]
    assert api.get(f"{path}&blocked=false&cursor={cursor}").status_code == 200
    assert (
        api.get(f"{path}&blocked=true&cursor={cursor}").status_code == 422
    )  # signed for another list


def test_a_view_saved_through_the_api_keeps_blocked(blocking, api_as):
    team = blocking
    api = api_as(team.people["member"])
    made = api.post(
        f"/projects/{team.project.id}/views",
        json={"name": "Stuck", "filters": {"blocked": True, "sort": "title"}},
    )
    assert made.status_code == 201, made.json
    assert made.json["filters"]["blocked"] is True
    view = api.get(f"/views/{made.json['id']}")
    changed = api.patch(
        f"/views/{made.json['id']}", json={"filters": {"blocked": False}},
        headers={"If-Match": view.headers["ETag"]},
    )  # fmt: skip
    assert changed.status_code == 200 and changed.json["filters"]["blocked"] is False
    # What a client does with the stored filters: pass them to the list as they are.
    filters = {k: str(v).lower() for k, v in changed.json["filters"].items() if v is not None}
    listed = api.get(f"/projects/{team.project.id}/tasks", query_string=filters).json
    assert {t["title"] for t in listed["items"]} == TITLES - BLOCKED
