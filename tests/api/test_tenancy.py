"""R2 through the API, the cases the URL-map matrix cannot see: ids in bodies and lists.

Every route aimed at another organization's ids, for every role, is generated from
the URL map in tests/security/test_isolation_matrix.py.
"""

import pytest
from sqlalchemy import func
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.tasks.models import Task


def test_lists_across_my_organizations_show_nothing_of_another(team, other_team, api_as):
    api = api_as(team.people["owner"])
    everything = str(api.get("/tasks?per_page=100").json) + str(api.get("/orgs").json)
    assert "Secret" not in everything and "Beta" not in everything
    assert api.get(f"/tasks?project_id={other_team.project.id}").json["total"] == 0


def test_an_assignee_from_another_organization_is_refused(team, other_team, api_as):
    api = api_as(team.people["owner"])
    response = api.patch(f"/tasks/{team.task.id}", json={"assignee_id": other_team.owner.id})
    assert response.status_code == 422
    assert "assignee_id" in response.json["details"]


def test_a_label_from_another_organization_is_refused(team, other_team, api_as):
    api = api_as(team.people["owner"])
    response = api.post(
        f"/projects/{team.project.id}/tasks",
        json={"title": "Mine", "label_ids": [other_team.label.id]},
    )
    assert response.status_code == 422
    assert "label_ids" in response.json["details"]


@pytest.fixture
def other_breakdown(app, other_team):
    """B's checklist item and "blocks" link (B's task blocks a second task of B)."""
    from types import SimpleNamespace

    from tests.factories import make_task
    from tests.support.breakdown import add_items
    from tests.support.breakdown import link

    owner = other_team.owner
    follow = make_task(app, other_team.project, owner, title="Secret follow-up")
    (item,) = add_items(app, other_team.org, owner, other_team.task.id, "Secret step")
    made = link(app, other_team.org, owner, blocker=other_team.task.id, blocked=follow.id)
    return SimpleNamespace(item=item, link=made, follow=follow)


def breakdown_snapshot(app, b, extra):
    from taskmanager.checklists.models import ChecklistItem
    from taskmanager.dependencies.models import TaskDependency

    with app.app_context(), tenancy.system():
        item = db.session.get(ChecklistItem, extra.item.id)
        return {
            "item": (item.title, item.done, item.position, item.converted_task_id),
            "items": db.session.scalar(select(func.count(ChecklistItem.id))),
            "links": sorted(
                (link.blocker_id, link.blocked_id)
                for link in db.session.scalars(select(TaskDependency))
            ),
            "tasks": db.session.scalar(select(func.count(Task.id))),
        }


@pytest.mark.parametrize("role", ["owner", "admin", "member", "viewer"])
def test_checklists_and_dependencies_of_another_organization_are_404(
    app, team, other_team, other_breakdown, api_as, role
):
    b, item, link = other_team.task.id, other_breakdown.item.id, other_breakdown.link.id
    mine = team.task.id
    api = api_as(team.people[role])
    before = breakdown_snapshot(app, other_team, other_breakdown)
    requests = [
        ("GET", f"/tasks/{b}/checklist", None),
        ("POST", f"/tasks/{b}/checklist", {"title": "Pwned"}),
        ("GET", f"/checklist-items/{item}", None),
        ("PATCH", f"/checklist-items/{item}", {"done": True}),
        ("DELETE", f"/checklist-items/{item}", None),
        ("POST", f"/checklist-items/{item}/convert", {}),
        ("GET", f"/tasks/{b}/dependencies", None),
        ("POST", f"/tasks/{b}/dependencies", {"blocks": other_breakdown.follow.id}),
        ("POST", f"/tasks/{mine}/dependencies", {"blocked_by": b}),
        ("POST", f"/tasks/{mine}/dependencies", {"blocks": b}),
        ("GET", f"/dependencies/{link}", None),
        ("DELETE", f"/dependencies/{link}", None),
    ]
    answers = {
        (method, path, str(body)): api.request(method, path, json=body).status_code
        for method, path, body in requests
    }
    assert {key: status for key, status in answers.items() if status != 404} == {}
    assert breakdown_snapshot(app, other_team, other_breakdown) == before
