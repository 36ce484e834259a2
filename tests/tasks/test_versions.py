"""Projects and comments have versions: every change bumps one, a stale one is refused.

The pages send the version they showed (a hidden field), so two people editing one
comment or project do not silently overwrite each other; the services do the check.
"""

import pytest

from taskmanager import tenancy
from taskmanager.concurrency import StaleVersion
from taskmanager.extensions import db
from taskmanager.orgs.services import member
from taskmanager.projects import services as projects
from taskmanager.projects.models import Project
from taskmanager.projects.schemas import ProjectDelete
from taskmanager.projects.schemas import ProjectUpdate
from taskmanager.tasks import comments
from taskmanager.tasks.models import Comment
from taskmanager.tasks.models import Task
from taskmanager.tasks.schemas import CommentFields
from tests.conftest import post


@pytest.fixture
def comment(app, team):
    owner = team.people["owner"]
    with app.app_context(), tenancy.system():
        task = db.session.get(Task, team.task.id)
        actor = member(team.org.id, owner.id)
        made = comments.add_comment(actor=actor, task=task, data=CommentFields(body="Draft"))
        return made.id


def stored(app, model, object_id):
    with app.app_context(), tenancy.system():
        found = db.session.get(model, object_id)
        db.session.expunge(found)
        return found


def test_the_comment_form_carries_the_version_it_shows(team, as_user, comment):
    page = as_user(team.people["owner"]).get(f"/o/{team.org.slug}/tasks/{team.task.id}")
    assert 'name="version" value="1"' in page.get_data(as_text=True)


def test_a_stale_comment_edit_is_refused_and_the_newer_edit_survives(app, team, as_user, comment):
    url = f"/o/{team.org.slug}/comments/{comment}/edit"
    author, admin = as_user(team.people["owner"]), as_user(team.people["admin"])
    post(admin, url, {"body": "Moderated", "version": 1})

    response = post(author, url, {"body": "Overwritten", "version": 1})

    assert response.status_code == 303
    assert (stored(app, Comment, comment).body, stored(app, Comment, comment).version) == (
        "Moderated", 2,
    )  # fmt: skip
    page = author.get(f"/o/{team.org.slug}/tasks/{team.task.id}").get_data(as_text=True)
    assert "Someone else changed this comment" in page


def test_a_stale_project_edit_is_refused(app, team, as_user):
    url = f"/o/{team.org.slug}/projects/{team.project.id}/edit"
    client = as_user(team.people["owner"])
    post(client, url, {"name": "First", "version": 1})
    post(client, url, {"name": "Second", "version": 1})
    project = stored(app, Project, team.project.id)
    assert (project.name, project.version) == ("First", 2)


def test_a_stale_archive_is_refused(app, team, as_user):
    url = f"/o/{team.org.slug}/projects/{team.project.id}"
    client = as_user(team.people["owner"])
    post(client, f"{url}/edit", {"description": "Scope changed", "version": 1})
    post(client, f"{url}/archive", {"archived": "1", "version": 1})
    assert stored(app, Project, team.project.id).archived is False


def test_each_project_change_bumps_the_version_and_no_change_does_not(app, team):
    with app.app_context(), tenancy.system():
        project = db.session.get(Project, team.project.id)
        actor = member(team.org.id, team.people["owner"].id)
        projects.update_project(actor=actor, project=project, data=ProjectUpdate(name="Renamed"))
        projects.update_project(actor=actor, project=project, data=ProjectUpdate(archived=True))
        projects.update_project(
            actor=actor, project=project, data=ProjectUpdate(name="Renamed", archived=True)
        )
        assert project.version == 3


def test_the_service_refuses_a_stale_version_without_the_pages(app, team, comment):
    with app.app_context(), tenancy.system():
        actor = member(team.org.id, team.people["owner"].id)
        found = db.session.get(Comment, comment)
        comments.update_comment(actor=actor, comment=found, data=CommentFields(body="v2"))
        with pytest.raises(StaleVersion):
            comments.delete_comment(actor=actor, comment=found, expected_version=1)
        with pytest.raises(StaleVersion):
            project = db.session.get(Project, team.project.id)
            projects.delete_project(
                actor=actor, project=project, data=ProjectDelete(confirm=project.name),
                expected_version=0,
            )  # fmt: skip
    assert stored(app, Comment, comment).body == "v2"
