"""Tenant isolation: the safety net and page lists.

Every route against another organization's ids: tests/security/test_isolation_matrix.py.
"""

import pytest
from flask import Flask
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.tasks.models import Task
from tests.conftest import post
from tests.factories import make_label
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task


@pytest.fixture
def other(app: Flask, make_user):
    """Organization B, with a project, a task, a label and a comment."""
    from taskmanager.orgs.services import member
    from taskmanager.tasks import comments
    from taskmanager.tasks.schemas import CommentFields

    owner = make_user()
    org = make_org(app, owner, name="Rival")
    project = make_project(app, org, name="Secret plans")
    task = make_task(app, project, owner, title="Rival secret task")
    label = make_label(app, org, name="rival")
    with app.app_context(), tenancy.system():
        actor = member(org.id, owner.id)
        comment = comments.add_comment(
            actor=actor, task=db.session.get(Task, task.id), data=CommentFields(body="rival note")
        )
        comment_id = comment.id
    return org, project, task, label, comment_id


def test_the_safety_net_hides_other_tenants_from_an_unfiltered_query(app, team, other):
    with app.app_context(), tenancy.scoped_to({team.org.id}):
        titles = {task.title for task in db.session.scalars(select(Task))}
    assert "Rival secret task" not in titles
    assert "Write the launch post" in titles


def test_outside_any_scope_tenant_rows_are_invisible(app, team):
    with app.app_context():
        assert db.session.scalars(select(Task)).all() == []


def test_lists_show_no_other_tenants_data(app, team, other, as_user):
    client = as_user(team.people["owner"])
    pages = [f"/o/{team.org.slug}", "/dashboard", f"/o/{team.org.slug}/projects/{team.project.id}"]
    for url in pages:
        page = client.get(url).get_data(as_text=True)
        assert "Rival" not in page and "Secret plans" not in page, url


@pytest.mark.parametrize("role", ["owner", "admin", "member", "viewer"])
def test_checklist_and_dependency_forms_answer_404_for_another_organizations_ids(
    app, team, other, as_user, role
):
    from taskmanager.checklists.models import ChecklistItem
    from taskmanager.dependencies.models import TaskDependency
    from tests.support.breakdown import add_items
    from tests.support.breakdown import link

    org_b, project, task, _, _ = other
    with app.app_context(), tenancy.system():
        owner_b = db.session.scalar(select(Task.created_by_id).where(Task.id == task.id))
        from taskmanager.accounts.models import User

        owner = db.session.get(User, owner_b)
        db.session.expunge(owner)
    follow = make_task(app, project, owner, title="Rival follow-up")
    (item,) = add_items(app, org_b, owner, task.id, "Rival step")
    made = link(app, org_b, owner, blocker=task.id, blocked=follow.id)
    slug, mine = team.org.slug, team.task.id
    client = as_user(team.people[role])
    assert client.get(f"/o/{slug}/tasks/{task.id}?find=Rival").status_code == 404
    page = client.get(f"/o/{slug}/tasks/{mine}?find=Rival").get_data(as_text=True)
    # The task finder searches this organization only.
    assert "Rival secret task" not in page and "Rival follow-up" not in page
    posts = [
        (f"/o/{slug}/tasks/{task.id}/checklist", {"title": "planted"}),
        (f"/o/{slug}/checklist/{item.id}", {"title": "hijacked"}),
        (f"/o/{slug}/checklist/{item.id}/tick", {"done": "1"}),
        (f"/o/{slug}/checklist/{item.id}/move", {"direction": "down"}),
        (f"/o/{slug}/checklist/{item.id}/convert", {}),
        (f"/o/{slug}/checklist/{item.id}/delete", {}),
        (f"/o/{slug}/tasks/{task.id}/dependencies", {"blocks": str(follow.id)}),
        (f"/o/{slug}/tasks/{mine}/dependencies", {"blocked_by": str(task.id)}),
        (f"/o/{slug}/tasks/{mine}/dependencies", {"blocks": str(task.id)}),
        (f"/o/{slug}/dependencies/{made.id}/delete", {}),
    ]
    for url, data in posts:
        assert post(client, url, data).status_code == 404, url
    with app.app_context(), tenancy.system():
        stored = db.session.get(ChecklistItem, item.id)
        assert (stored.title, stored.done, stored.converted_task_id) == ("Rival step", False, None)
        assert db.session.scalars(select(ChecklistItem)).all() == [stored]
        links = [(x.blocker_id, x.blocked_id) for x in db.session.scalars(select(TaskDependency))]
        assert links == [(task.id, follow.id)]
