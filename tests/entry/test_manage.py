"""Management from the pages: project settings, label edits, deletes that ask first."""

from markupsafe import escape

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.projects.models import Label
from taskmanager.projects.models import Project
from taskmanager.tasks.models import Comment
from taskmanager.tasks.models import Task
from tests.conftest import post
from tests.factories import make_org
from tests.factories import make_task


def project_url(team, suffix=""):
    return f"/o/{team.org.slug}/projects/{team.project.id}{suffix}"


def test_the_project_page_offers_rename_archive_and_delete_to_admins(team, as_user):
    page = as_user(team.people["admin"]).get(project_url(team)).get_data(as_text=True)
    assert "Project settings" in page
    assert f'action="{project_url(team, "/edit")}"' in page
    assert f'action="{project_url(team, "/archive")}"' in page
    assert f'action="{project_url(team, "/delete")}"' in page
    assert "type its name: <strong>Website</strong>" in page


def test_members_see_no_project_settings(team, as_user):
    page = as_user(team.people["member"]).get(project_url(team)).get_data(as_text=True)
    assert "Project settings" not in page


def test_rename_from_the_project_page(app, team, as_user):
    client = as_user(team.people["admin"])
    response = post(
        client,
        project_url(team, "/edit"),
        {"name": "Web site", "description": "New", "version": "1"},
    )
    assert response.status_code == 303
    assert "Project saved." in client.get(response.location).get_data(as_text=True)
    with app.app_context(), tenancy.system():
        assert db.session.get(Project, team.project.id).name == "Web site"


def test_archive_and_unarchive_from_the_project_page(app, team, as_user):
    client = as_user(team.people["admin"])
    post(client, project_url(team, "/archive"), {"archived": "1", "version": "1"})
    page = client.get(project_url(team)).get_data(as_text=True)
    assert "Unarchive project" in page and 'id="quick-add"' not in page
    post(client, project_url(team, "/archive"), {"archived": "0", "version": "2"})
    with app.app_context(), tenancy.system():
        assert db.session.get(Project, team.project.id).archived is False


def test_delete_asks_for_the_name(app, team, as_user):
    client = as_user(team.people["admin"])
    wrong = post(client, project_url(team, "/delete"), {"confirm": "website"})
    assert wrong.location.endswith(project_url(team))
    assert str(escape('Type the project name "Website" to confirm.')) in client.get(
        wrong.location
    ).get_data(as_text=True)
    right = post(client, project_url(team, "/delete"), {"confirm": "Website"})
    assert right.location.endswith(f"/o/{team.org.slug}")
    with app.app_context(), tenancy.system():
        assert db.session.get(Project, team.project.id) is None


def test_deleting_a_task_asks_first_and_says_what_goes(app, team, as_user):
    client = as_user(team.people["owner"])
    task_url = f"/o/{team.org.slug}/tasks/{team.task.id}"
    post(client, f"{task_url}/comments", {"body": "First!"})
    task_page = client.get(task_url).get_data(as_text=True)
    assert f'href="{task_url}/delete"' in task_page  # a link to the question, not a post
    question = client.get(f"{task_url}/delete")
    page = question.get_data(as_text=True)
    assert question.status_code == 200
    assert "Delete the task “Write the launch post”?" in page
    assert "Its 1 comment go with it." in page or "Its 1 comment goes with it." in page
    assert f'<form method="post" action="{task_url}/delete"' in page
    with app.app_context(), tenancy.system():
        assert db.session.get(Task, team.task.id) is not None  # asking deletes nothing
    post(client, f"{task_url}/delete")
    with app.app_context(), tenancy.system():
        assert db.session.get(Task, team.task.id) is None


def test_a_member_is_not_asked_about_someone_elses_task(team, as_user):
    response = as_user(team.people["member"]).get(f"/o/{team.org.slug}/tasks/{team.task.id}/delete")
    assert response.status_code == 403


def test_deleting_a_comment_asks_first_and_quotes_it(app, team, as_user):
    client = as_user(team.people["member"])
    post(
        client, f"/o/{team.org.slug}/tasks/{team.task.id}/comments", {"body": "Ship it <b>now</b>"}
    )
    with app.app_context(), tenancy.system():
        comment_id = db.session.query(Comment).filter_by(task_id=team.task.id).one().id
    page = client.get(f"/o/{team.org.slug}/comments/{comment_id}/delete").get_data(as_text=True)
    assert "Delete this comment?" in page and "Ship it &lt;b&gt;now&lt;/b&gt;" in page
    other = as_user(team.people["viewer"])
    assert other.get(f"/o/{team.org.slug}/comments/{comment_id}/delete").status_code == 403
    post(client, f"/o/{team.org.slug}/comments/{comment_id}/delete")
    with app.app_context(), tenancy.system():
        assert db.session.get(Comment, comment_id) is None


def test_deleting_a_label_asks_first_and_counts_its_tasks(app, team, as_user):
    client = as_user(team.people["admin"])
    make_task(app, team.project, team.people["admin"], title="Tagged", label_ids=[team.label.id])
    home = client.get(f"/o/{team.org.slug}").get_data(as_text=True)
    assert f'href="/o/{team.org.slug}/labels/{team.label.id}/delete"' in home
    page = client.get(f"/o/{team.org.slug}/labels/{team.label.id}/delete").get_data(as_text=True)
    assert (
        "Delete the label “bug”?" in page
        and "It comes off 1 task; the tasks themselves stay." in page
    )
    assert (
        as_user(team.people["member"])
        .get(f"/o/{team.org.slug}/labels/{team.label.id}/delete")
        .status_code
        == 403
    )
    post(client, f"/o/{team.org.slug}/labels/{team.label.id}/delete")
    with app.app_context(), tenancy.system():
        assert db.session.get(Label, team.label.id) is None


def test_a_label_is_renamed_and_recoloured(app, team, as_user):
    client = as_user(team.people["admin"])
    response = post(
        client,
        f"/o/{team.org.slug}/labels/{team.label.id}/edit",
        {"name": "defect", "color": "#00AA00"},
    )
    assert "Label saved." in client.get(response.location).get_data(as_text=True)
    with app.app_context(), tenancy.system():
        label = db.session.get(Label, team.label.id)
        assert (label.name, label.color) == ("defect", "#00aa00")


def test_a_label_edit_refuses_a_taken_name_and_a_member(app, team, as_user):
    from tests.factories import make_label

    make_label(app, team.org, name="feature")
    client = as_user(team.people["admin"])
    response = post(client, f"/o/{team.org.slug}/labels/{team.label.id}/edit", {"name": "Feature"})
    assert str(escape('A label named "Feature" already exists.')) in client.get(
        response.location
    ).get_data(as_text=True)
    member = as_user(team.people["member"])
    assert (
        post(member, f"/o/{team.org.slug}/labels/{team.label.id}/edit", {"name": "x"}).status_code
        == 403
    )


def test_another_organizations_label_is_404(team, as_user, other_team):
    client = as_user(team.people["admin"])
    assert client.get(f"/o/{team.org.slug}/labels/{other_team.label.id}/delete").status_code == 404
    edit = post(client, f"/o/{team.org.slug}/labels/{other_team.label.id}/edit", {"name": "x"})
    assert edit.status_code == 404


def test_an_owner_alone_gets_advice_instead_of_an_empty_transfer_list(app, as_user, make_user):
    owner = make_user(name="Solo Owner")
    org = make_org(app, owner, name="Solo")
    page = as_user(owner).get(f"/o/{org.slug}").get_data(as_text=True)
    assert 'name="user_id"' not in page
    assert "To hand the organization over, invite the new owner first." in page
