"""Plan limits at their boundaries, through the pages and the API (product.md §5)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.orgs.models import Invitation
from taskmanager.projects.models import Project
from tests.api.conftest import Api
from tests.api.conftest import sign_in as api_sign_in
from tests.conftest import post
from tests.factories import add_member
from tests.factories import make_org
from tests.factories import make_project


@pytest.fixture
def owner(make_user):
    return make_user(name="Olga Owner")


@pytest.fixture
def org(app, owner):
    return make_org(app, owner, name="Small Team")


@pytest.fixture
def api(app, owner):
    client = app.test_client()
    return Api(client, api_sign_in(client, owner)["access_token"])


def invite_page(client, org, email):
    return post(client, f"/o/{org.slug}/invitations", {"email": email, "role": "member"})


def flashed(client, org):
    return client.get(f"/o/{org.slug}").get_data(as_text=True)


def test_the_fifth_member_fits_and_the_sixth_is_refused_on_the_page(app, org, owner, as_user):
    client = as_user(owner)
    for n in range(1, 5):  # the owner plus four invitations: five seats
        assert invite_page(client, org, f"friend{n}@example.com").status_code == 303
    page = flashed(client, org)
    assert "Invitation sent to friend4@example.com" in page
    assert "5 of 5" in " ".join(page.split())

    invite_page(client, org, "sixth@example.com")
    page = flashed(client, org)
    assert "The Free plan allows 5 members" in page
    assert "Pending invitations count too" in page
    assert "upgrade to Pro on the Billing page" in page
    with app.app_context(), tenancy.system():
        assert (
            db.session.scalar(select(Invitation).where(Invitation.email == "sixth@example.com"))
            is None
        )


def test_pending_invitations_hold_seats_in_the_api(app, org, owner, make_user, api):
    for _ in range(2):
        add_member(app, org, make_user(), "member")  # 3 members
    for n in range(2):  # 2 pending invitations: 5 seats taken
        response = api.post(
            f"/orgs/{org.id}/invitations", {"email": f"p{n}@example.com", "role": "member"}
        )
        assert response.status_code == 201, response.get_json()

    refused = api.post(f"/orgs/{org.id}/invitations", {"email": "no@example.com", "role": "member"})
    assert refused.status_code == 402
    body = refused.get_json()
    assert body["error"] == "plan_limit_reached"
    assert body["details"] == {"limit": "members", "used": 5, "allowed": 5, "plan": "free"}
    assert "upgrade to Pro" in body["message"]

    # Revoking an invitation frees its seat.
    pending = api.get(f"/orgs/{org.id}/invitations").get_json()["items"]
    assert api.delete(f"/orgs/{org.id}/invitations/{pending[0]['id']}").status_code == 204
    again = api.post(f"/orgs/{org.id}/invitations", {"email": "yes@example.com", "role": "member"})
    assert again.status_code == 201


def test_the_third_project_fits_and_the_fourth_is_refused(app, org, owner, as_user, api):
    assert api.post(f"/orgs/{org.id}/projects", {"name": "One"}).status_code == 201
    assert api.post(f"/orgs/{org.id}/projects", {"name": "Two"}).status_code == 201
    client = as_user(owner)
    assert post(client, f"/o/{org.slug}/projects", {"name": "Three"}).status_code == 303

    refused = api.post(f"/orgs/{org.id}/projects", {"name": "Four"})
    assert refused.status_code == 402
    assert refused.get_json()["details"]["limit"] == "projects"
    post(client, f"/o/{org.slug}/projects", {"name": "Four"})
    page = flashed(client, org)
    assert "The Free plan allows 3 active projects" in page
    assert "Archive a project, or upgrade to Pro" in page
    with app.app_context(), tenancy.system():
        names = set(
            db.session.scalars(select(Project.name).where(Project.organization_id == org.id))
        )
    assert names == {"One", "Two", "Three"}


def test_an_archived_project_frees_its_place_and_restoring_it_needs_one(app, org, api):
    ids = [
        api.post(f"/orgs/{org.id}/projects", {"name": f"P{n}"}).get_json()["id"] for n in range(3)
    ]
    assert api.patch(f"/projects/{ids[0]}", {"archived": True}).status_code == 200
    assert api.post(f"/orgs/{org.id}/projects", {"name": "Fresh"}).status_code == 201
    restore = api.patch(f"/projects/{ids[0]}", {"archived": False})
    assert restore.status_code == 402
    assert restore.get_json()["details"]["limit"] == "projects"
    assert api.get(f"/projects/{ids[0]}").get_json()["archived"] is True


def test_pro_lifts_the_limits(app, org, api, plan_of):
    plan_of(org, "pro", "active")
    for n in range(5):
        assert api.post(f"/orgs/{org.id}/projects", {"name": f"P{n}"}).status_code == 201
    for n in range(6):
        response = api.post(
            f"/orgs/{org.id}/invitations", {"email": f"m{n}@example.com", "role": "member"}
        )
        assert response.status_code == 201
    usage = api.get(f"/orgs/{org.id}/usage").get_json()
    assert usage["members"] == {"used": 7, "limit": 100}
    assert usage["projects"] == {"used": 5, "limit": None}
    assert usage["limits_plan"] == "pro"


@pytest.mark.parametrize("status", ["past_due", "canceled", "unpaid"])
def test_a_lapsed_subscription_keeps_data_readable_and_blocks_only_growth(
    app, org, owner, api, as_user, plan_of, make_user, status
):
    plan_of(org, "pro", "active")
    for n in range(5):
        make_project(app, org, name=f"Pro project {n}")
    for _ in range(6):
        add_member(app, org, make_user(), "member")
    plan_of(org, "pro", status)

    # Everything stored stays readable, through the API and the page.
    projects = api.get(f"/orgs/{org.id}/projects").get_json()
    assert projects["total"] == 5
    assert api.get(f"/orgs/{org.id}/members").get_json()["total"] == 7
    page = as_user(owner).get(f"/o/{org.slug}").get_data(as_text=True)
    assert "Pro project 4" in page
    assert f"Free limits apply: subscription {status.replace('_', ' ')}" in page
    # Work inside existing projects goes on.
    project_id = projects["items"][0]["id"]
    assert api.post(f"/projects/{project_id}/tasks", {"title": "Still working"}).status_code == 201
    assert api.patch(f"/projects/{project_id}", {"name": "Renamed"}).status_code == 200
    # Only growth past the free plan is refused.
    refused = api.post(f"/orgs/{org.id}/projects", {"name": "One more"})
    assert refused.status_code == 402
    assert "so the Free plan's limits apply" in refused.get_json()["message"]
    invite = api.post(
        f"/orgs/{org.id}/invitations", {"email": "late@example.com", "role": "member"}
    )
    assert invite.status_code == 402
    usage = api.get(f"/orgs/{org.id}/usage").get_json()
    assert usage["plan"] == "pro" and usage["limits_plan"] == "free"
    assert usage["members"] == {"used": 7, "limit": 5}


def test_accepting_an_invitation_sent_under_pro_is_refused_once_over_free(
    app, org, owner, make_user, as_user, plan_of
):
    plan_of(org, "pro", "active")
    for _ in range(5):
        add_member(app, org, make_user(), "member")  # 6 members
    late = make_user(email="late@example.com")
    post(as_user(owner), f"/o/{org.slug}/invitations", {"email": late.email, "role": "member"})
    plan_of(org, "pro", "canceled")
    client = as_user(late)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    action = re.search(r'action="(/invitations/mine/\d+)"', dashboard).group(1)
    post(client, action)
    assert "so the Free plan&#39;s limits apply" in client.get("/dashboard").get_data(as_text=True)
    assert client.get(f"/o/{org.slug}").status_code == 404


def test_usage_is_for_members_only(app, org, make_user):
    client = app.test_client()
    stranger = Api(client, api_sign_in(client, make_user())["access_token"])
    assert stranger.get(f"/orgs/{org.id}/usage").status_code == 404


def test_the_usage_panel_shows_bars_against_each_limit(app, org, owner, as_user, api):
    api.post(f"/orgs/{org.id}/projects", {"name": "One"})
    page = as_user(owner).get(f"/o/{org.slug}").get_data(as_text=True)
    assert 'id="usage"' in page
    assert '<progress class="usage-bar w-100" max="100" value="33"' in page  # 1 of 3 projects
    assert "Upgrade or manage billing" in page
