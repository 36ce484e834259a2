"""Organization page forms (projects, labels, the organization): nothing typed is lost."""

from html import escape

from sqlalchemy import func
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.orgs.models import Organization
from taskmanager.projects.models import Label
from taskmanager.projects.models import Project
from tests.conftest import post


def test_a_refused_new_project_shows_what_was_typed_and_why(app, team, as_user):
    client = as_user(team.people["owner"])
    description = "Everything about the spring launch, written with care. " * 100

    response = post(
        client,
        f"/o/{team.org.slug}/projects",
        {"name": "Spring launch", "description": description},
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="Spring launch"' in page
    assert f'value="{escape(description)}"' in page
    assert "Use at most 5,000 characters" in page
    with app.app_context(), tenancy.system():
        assert db.session.scalar(select(Project).where(Project.name == "Spring launch")) is None


def test_a_nameless_project_is_asked_for_a_name_in_plain_words(app, team, as_user):
    client = as_user(team.people["owner"])
    response = post(client, f"/o/{team.org.slug}/projects", {"name": " ", "description": "Kept"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give the project a name." in page and 'value="Kept"' in page
    assert "String should have" not in page


def test_a_refused_label_keeps_its_name_and_color(app, team, as_user):
    client = as_user(team.people["admin"])
    typed = {"name": "n" * 41, "color": "#12ab34"}

    response = post(client, f"/o/{team.org.slug}/labels", typed)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'value="{"n" * 41}"' in page and 'value="#12ab34"' in page
    assert "Use at most 40 characters" in page
    with app.app_context(), tenancy.system():
        assert (
            db.session.scalar(select(func.count()).where(Label.organization_id == team.org.id)) == 1
        )


def test_a_refused_rename_keeps_the_typed_name_and_asks_for_one(app, team, as_user):
    client = as_user(team.people["owner"])
    response = post(client, f"/o/{team.org.slug}/rename", {"name": "   "})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give the organization a name." in page
    with app.app_context(), tenancy.system():
        assert db.session.get(Organization, team.org.id).name == team.org.name


def test_a_refused_new_organization_keeps_the_typed_name(app, make_user, as_user):
    client = as_user(make_user())
    name = "A" * 121
    response = post(client, "/orgs/new", {"name": name})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'value="{name}"' in page and "Use at most 120 characters" in page


def test_a_refused_invitation_keeps_the_typed_address_and_role(app, team, as_user):
    client = as_user(team.people["owner"])
    response = post(
        client, f"/o/{team.org.slug}/invitations", {"email": "nora at example", "role": "viewer"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="nora at example"' in page and '<option value="viewer" selected' in page
    assert "Enter an email address like ana@example.com." in page
