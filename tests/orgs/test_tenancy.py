"""Tenant isolation: another organization's ids answer 404 and change nothing."""

import pytest
from flask import Flask
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.projects.models import Project
from taskmanager.tasks.models import Comment
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


def urls(a_slug, project, task, label, comment_id):
    p, t = project.id, task.id
    gets = [
        f"/o/{a_slug}/projects/{p}",
        f"/o/{a_slug}/projects/{p}/board",
        f"/o/{a_slug}/tasks/{t}",
    ]
    posts = [
        (f"/o/{a_slug}/projects/{p}/edit", {"name": "hijacked"}),
        (f"/o/{a_slug}/projects/{p}/archive", {"archived": "1"}),
        (f"/o/{a_slug}/projects/{p}/delete", {"confirm": project.name}),
        (f"/o/{a_slug}/projects/{p}/tasks", {"title": "planted"}),
        (f"/o/{a_slug}/tasks/{t}", {"title": "hijacked"}),
        (f"/o/{a_slug}/tasks/{t}/move", {"status": "done"}),
        (f"/o/{a_slug}/tasks/{t}/delete", {}),
        (f"/o/{a_slug}/tasks/{t}/comments", {"body": "planted"}),
        (f"/o/{a_slug}/tasks/{t}/watch", {"watching": "1"}),
        (f"/o/{a_slug}/comments/{comment_id}/edit", {"body": "hijacked"}),
        (f"/o/{a_slug}/comments/{comment_id}/delete", {}),
        (f"/o/{a_slug}/labels/{label.id}/delete", {}),
        (f"/o/{a_slug}/invitations/999999/revoke", {}),
    ]
    return gets, posts


@pytest.mark.parametrize("role", ["owner", "admin", "member", "viewer"])
def test_every_page_and_form_answers_404_for_another_organizations_ids(
    app, team, other, as_user, role
):
    org_b, project, task, label, comment_id = other
    client = as_user(team.people[role])
    gets, posts = urls(team.org.slug, project, task, label, comment_id)
    gets += [f"/o/{org_b.slug}", f"/o/{org_b.slug}/projects/{project.id}"]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url, data in posts:
        assert post(client, url, data).status_code == 404, url

    with app.app_context(), tenancy.system():
        stored = db.session.get(Task, task.id)
        assert stored.title == "Rival secret task" and stored.status == "todo"
        assert db.session.get(Project, project.id).name == "Secret plans"
        assert (
            db.session.scalar(select(Comment).where(Comment.id == comment_id)).body == "rival note"
        )
        assert db.session.scalars(select(Task).where(Task.project_id == project.id)).all() == [
            stored
        ]


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
