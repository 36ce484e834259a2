"""Page statements are built once per shape and bound per request (tasks/paging.py).

A statement reused with the values of an earlier request would show one user's or one
filter's tasks to the next: each test asks the same shape twice with other values.
"""

from datetime import UTC
from datetime import datetime

import pytest
from sqlalchemy import text

from taskmanager.tasks import paging
from tests.factories import make_label
from tests.factories import make_task
from tests.support import statements


@pytest.fixture
def spread(app, team):
    """Tasks that differ by status, assignee, label and due date; their two labels."""
    member, admin = team.people["member"], team.people["admin"]
    bug = make_label(app, team.org, name="defect")
    docs = make_label(app, team.org, name="docs")
    owner = team.people["owner"]
    made = {
        "todo-member": dict(status="todo", assignee_id=member.id, label_ids=[bug.id],
                            due_at=datetime(2030, 1, 5, tzinfo=UTC)),
        "done-admin": dict(status="done", assignee_id=admin.id, label_ids=[docs.id],
                           due_at=datetime(2030, 3, 5, tzinfo=UTC)),
        "doing-nobody": dict(status="in_progress"),
    }  # fmt: skip
    for name, fields in made.items():
        make_task(app, team.project, owner, title=name, **fields)
    return bug, docs


def titles(api, team, **query):
    args = "&".join(f"{k}={v}" for k, v in {"per_page": 50, **query}.items())
    response = api.get(f"/projects/{team.project.id}/tasks?{args}")
    assert response.status_code == 200, response.json
    return sorted(task["title"] for task in response.json["items"])


def filler(team, *, assignees=(None,), analyzed=True):
    """``before`` for statements.plan: 3,000 more tasks in the team's project, statuses
    and ``assignees`` in turn, then (if ``analyzed``) fresh statistics."""

    def filled(connection):
        connection.execute(
            text(
                "INSERT INTO tasks (organization_id, project_id, title, description, status,"
                " priority, position, assignee_id, version, created_at, updated_at)"
                " SELECT :org, :project, 'Filler ' || n, '', (ARRAY['todo', 'in_progress',"
                " 'done'])[n % 3 + 1], 'normal', n * 1024, (CAST(:people AS integer[]))"
                "[n % :many + 1], 1, now(), now() FROM generate_series(1, 3000) AS n"
            ),
            {"org": team.org.id, "project": team.project.id, "people": list(assignees),
             "many": len(assignees)},
        )  # fmt: skip
        if analyzed:
            connection.execute(text("ANALYZE tasks"))

    return filled


def test_the_same_shape_with_other_values_finds_other_tasks(team, api_as, spread):
    bug, docs = spread
    api = api_as(team.people["member"])
    paging._STATEMENTS.clear()
    assert titles(api, team, status="todo") == ["Write the launch post", "todo-member"]
    assert titles(api, team, status="done") == ["done-admin"]
    assert titles(api, team, label=bug.id) == ["todo-member"]
    assert titles(api, team, label=docs.id) == ["done-admin"]
    assert titles(api, team, assignee="me") == ["todo-member"]
    assert titles(api, team, assignee=team.people["admin"].id) == ["done-admin"]
    assert titles(api, team, assignee="none") == ["Write the launch post", "doing-nobody"]
    assert titles(api, team, due_before="2030-02-01") == ["todo-member"]
    assert titles(api, team, due_before="2030-12-31") == ["done-admin", "todo-member"]
    # Shapes are kept apart: with no filter after all of these, every task again.
    assert len(titles(api, team)) == 4
    assert len(paging._STATEMENTS) >= 6


def test_pages_of_one_shape_slide_by_their_own_numbers(team, api_as, spread):
    api = api_as(team.people["member"])
    seen = []
    for number in (1, 2, 3, 4):
        response = api.get(f"/projects/{team.project.id}/tasks?per_page=1&page={number}")
        assert response.json["total"] == 4
        seen += [task["title"] for task in response.json["items"]]
    assert sorted(seen) == sorted(titles(api, team))
    past = api.get(f"/projects/{team.project.id}/tasks?per_page=1&page=9").json
    assert past["items"] == [] and past["total"] == 4


def test_another_users_shape_holds_their_own_organizations(team, api_as, other_team, spread):
    mine = api_as(team.people["member"]).get("/tasks?per_page=50").json["items"]
    theirs = api_as(other_team.owner).get("/tasks?per_page=50").json["items"]
    assert {t["organization_id"] for t in mine} == {team.org.id}
    assert {t["organization_id"] for t in theirs} == {other_team.org.id}


def test_past_the_count_cap_the_total_says_at_least(team, api_as, as_user, spread, monkeypatch):
    # The cap bounds what a page costs at any size (bench P6); a cursor still walks past it.
    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    api = api_as(team.people["member"])
    first = api.get(f"/projects/{team.project.id}/tasks?per_page=1").json
    assert (first["total"], first["total_exact"], first["pages"]) == (2, False, 2)
    seen, cursor = [t["title"] for t in first["items"]], first["next_cursor"]
    while cursor:
        page = api.get(f"/projects/{team.project.id}/tasks?per_page=1&cursor={cursor}").json
        assert page["total_exact"] is False
        seen += [t["title"] for t in page["items"]]
        cursor = page["next_cursor"]
    assert len(seen) == 4
    narrow = api.get(f"/projects/{team.project.id}/tasks?status=done").json
    assert (narrow["total"], narrow["total_exact"]) == (1, True)
    listed = as_user(team.people["member"]).get(f"/o/{team.org.slug}/projects/{team.project.id}")
    assert "2+ tasks" in listed.get_data(as_text=True)


def test_a_list_by_assignee_and_status_reads_its_own_index(app, team, api_as, spread):
    # The plan, never a timing: by ix_tasks_assignee_status the bounded count fetched a
    # heap page per match (bench P6). A few thousand tasks, analyzed, in the test's own
    # transaction: with a handful of rows every index costs about the same, and which
    # one won turned on what earlier tests in the lane had left in the indexes (dead
    # entries of rolled-back rows), so the test failed now and then in full runs.
    with statements.sent(app) as sent:
        assert titles(api_as(team.people["member"]), team, status="todo", assignee="me")
    [(page, values)] = [(s, p) for s, p in sent if "count_cap" in s]
    people = [person.id for person in team.people.values()]
    plan = statements.plan(
        app, page, values, "enable_seqscan = off", "enable_bitmapscan = off",
        before=filler(team, assignees=[*people, None]),
    )  # fmt: skip
    assert plan.count("ix_tasks_project_assignee_status_position") == 2, plan


@pytest.mark.parametrize("analyzed", [False, True], ids=["stale statistics", "analyzed"])
def test_a_projects_page_walks_the_list_order_index_without_sorting(
    app, team, api_as, spread, analyzed
):
    # Every tenant query filters on the project and on the tenant. An index of the
    # project alone lost to the assignee index whenever statistics were stale (this
    # machine's PostgreSQL runs without autovacuum, like a fresh project growing fast
    # before it is analyzed), and each page of 20 sorted the whole project: R19 fell
    # from 390 to 290 req/s over three rounds of load as the projects grew.
    with statements.sent(app) as sent:
        assert titles(api_as(team.people["member"]), team)
    [(page, values)] = [(s, p) for s, p in sent if "count_cap" in s]
    plan = statements.plan(app, page, values, before=filler(team, analyzed=analyzed))
    assert "ix_tasks_project_list_order" in plan and "Sort" not in plan, plan


def test_a_project_across_organizations_is_still_read_in_list_order(app, team, api_as):
    # GET /tasks?project_id= for someone in two organizations: the tenancy net names
    # both, so the project's own organization must be named too, or every task of
    # the project is sorted for each page.
    from tests.factories import make_org

    make_org(app, team.people["member"], name="Side project")
    with statements.sent(app) as sent:
        api = api_as(team.people["member"])
        answer = api.get(f"/tasks?project_id={team.project.id}&per_page=20")
        assert answer.status_code == 200, answer.json
    [(page, values)] = [(s, p) for s, p in sent if "count_cap" in s]
    assert len([v for k, v in values.items() if k.startswith("organization_ids")]) == 2, values
    plan = statements.plan(app, page, values, before=filler(team))
    assert "ix_tasks_project_list_order" in plan and "Sort" not in plan, plan


def test_a_columns_last_key_is_one_probe_outside_any_tenant(app, team):
    # Jobs (recurrence, CSV import) add tasks under tenancy.system(), with no tenant
    # in the net: the column's last key must still be the index's last entry.
    from taskmanager import tenancy
    from taskmanager.tasks import ordering

    with statements.sent(app) as sent, app.app_context(), tenancy.system():
        ordering.next_position(team.project.id, "todo")
    [(last, values)] = [(s, p) for s, p in sent if "max(tasks.position)" in s]
    plan = statements.plan(app, last, values, before=filler(team))
    assert "Index Only Scan Backward using ix_tasks_project_list_order" in plan, plan
