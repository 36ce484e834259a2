from datetime import timedelta

from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.db import utcnow
from taskmanager.extensions import db
from taskmanager.orgs.models import Organization
from taskmanager.projects.models import Project
from tests.conftest import post
from tests.factories import make_task


def test_a_new_organization_makes_its_creator_owner(app, auth_client):
    response = post(auth_client, "/orgs/new", {"name": "Night Owls"})
    assert response.status_code == 303
    home = auth_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Night Owls" in home and "You are owner" in home


def test_an_organization_needs_a_name(app, auth_client):
    response = post(auth_client, "/orgs/new", {"name": "   "})
    assert response.status_code == 422  # shown again, as typed, with the reason
    assert "Give the organization a name." in response.get_data(as_text=True)


def test_deleting_needs_the_slug_typed_back(app, team, as_user):
    client = as_user(team.people["owner"])
    post(client, f"/o/{team.org.slug}/delete", {"confirm": "wrong"})
    with app.app_context():
        assert db.session.get(Organization, team.org.id) is not None
    response = post(client, f"/o/{team.org.slug}/delete", {"confirm": team.org.slug})
    assert response.headers["Location"].endswith("/dashboard")
    with app.app_context(), tenancy.system():
        assert db.session.get(Organization, team.org.id) is None
        assert db.session.scalars(select(Project)).all() == []


def test_archiving_hides_the_new_task_form(app, team, as_user):
    client = as_user(team.people["admin"])
    post(client, f"/o/{team.org.slug}/projects/{team.project.id}/archive", {"archived": "1"})
    page = client.get(f"/o/{team.org.slug}/projects/{team.project.id}").get_data(as_text=True)
    assert "archived" in page and "New task title" not in page


def test_a_duplicate_label_name_is_refused_with_a_message(app, team, as_user):
    client = as_user(team.people["admin"])
    post(client, f"/o/{team.org.slug}/labels", {"name": "BUG", "color": "#000000"})
    assert "already exists" in client.get(f"/o/{team.org.slug}").get_data(as_text=True)


def test_only_the_author_or_an_admin_edits_a_comment(app, team, as_user):
    writer, other = as_user(team.people["member"]), as_user(team.people["viewer"])
    post(writer, f"/o/{team.org.slug}/tasks/{team.task.id}/comments", {"body": "mine"})
    page = writer.get(f"/o/{team.org.slug}/tasks/{team.task.id}").get_data(as_text=True)
    import re

    comment_id = re.search(r'id="comment-(\d+)"', page).group(1)
    assert (
        post(other, f"/o/{team.org.slug}/comments/{comment_id}/edit", {"body": "x"}).status_code
        == 403
    )


def test_the_dashboard_lists_my_overdue_and_soon_due_tasks(app, team, as_user):
    member = team.people["member"]
    now = utcnow()
    make_task(
        app,
        team.project,
        member,
        title="Late report",
        assignee_id=member.id,
        due_at=now - timedelta(days=1),
    )
    make_task(
        app,
        team.project,
        member,
        title="Friday demo",
        assignee_id=member.id,
        due_at=now + timedelta(days=2),
    )
    make_task(app, team.project, member, title="Someone else's", due_at=now + timedelta(days=1))
    page = as_user(member).get("/dashboard").get_data(as_text=True)
    overdue, soon = page.index("Overdue"), page.index("Due in the next 7 days")
    assert overdue < page.index("Late report") < soon < page.index("Friday demo")
    assert "Someone else" not in page
