"""Page forms: one schema per write, plain messages, and nothing the user typed is lost."""

from html import escape

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.projects.models import Project
from taskmanager.tasks.models import Task
from tests.conftest import post


def test_a_refused_task_form_shows_every_typed_value_again(app, team, as_user):
    member = team.people["member"]
    client = as_user(member)
    long_description = "Steps to reproduce, carefully written.\n" * 200
    typed = {
        "version": str(team.task.version),
        "labels_sent": "1",
        "title": "",  # refused: a task needs a title
        "description": long_description,
        "status": "in_progress",
        "priority": "urgent",
        "assignee_id": str(member.id),
        "due_date": "2026-07-14",
        "due_time": "09:30",
        "label_ids": str(team.label.id),
    }

    response = post(client, f"/o/{team.org.slug}/tasks/{team.task.id}", typed)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give the task a title." in page
    assert escape(long_description, quote=False) in page
    assert '<option value="in_progress" selected' in page
    assert '<option value="urgent" selected' in page
    assert f'<option value="{member.id}" selected' in page
    assert 'value="2026-07-14"' in page and 'value="09:30"' in page
    assert f'value="{team.label.id}" id="label-{team.label.id}" checked' in page
    with app.app_context(), tenancy.system():
        unchanged = db.session.get(Task, team.task.id)
        assert (unchanged.title, unchanged.description) == ("Write the launch post", "")


def test_a_refused_comment_keeps_its_text(app, team, as_user):
    client = as_user(team.people["member"])
    body = "x" * 10_001
    response = post(client, f"/o/{team.org.slug}/tasks/{team.task.id}/comments", {"body": body})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert body in page and "Use at most 10,000 characters" in page


def test_a_long_project_description_is_refused_on_the_page_not_cut(app, team, as_user):
    client = as_user(team.people["owner"])
    description = "d" * 5_001
    post(
        client,
        f"/o/{team.org.slug}/projects/{team.project.id}/edit",
        {"name": "Website", "description": description, "version": "1"},
    )
    with app.app_context(), tenancy.system():
        assert db.session.get(Project, team.project.id).description == ""
    page = client.get(f"/o/{team.org.slug}/projects/{team.project.id}").get_data(as_text=True)
    assert "Use at most 5,000 characters" in page


def test_a_refused_new_task_keeps_what_was_typed_on_the_list_page(app, team, as_user):
    member = team.people["member"]
    client = as_user(member)
    typed = {"title": "t" * 201, "due_date": "2026-08-01", "assignee_id": str(member.id)}

    response = post(client, f"/o/{team.org.slug}/projects/{team.project.id}/tasks", typed)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The task was not added: Use at most 200 characters" in page
    assert f'value="{"t" * 201}"' in page and 'value="2026-08-01"' in page
    assert f'<option value="{member.id}" selected' in page
