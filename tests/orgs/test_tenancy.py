"""Tenant isolation: the safety net and page lists.

Every route against another organization's ids: tests/security/test_isolation_matrix.py.
"""

import pytest
from flask import Flask
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.tasks.models import Task
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
