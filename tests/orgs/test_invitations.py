import re
from datetime import timedelta

from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.db import utcnow
from taskmanager.extensions import db
from taskmanager.mail.models import OutboundEmail
from taskmanager.orgs.models import Invitation
from taskmanager.orgs.services import members
from tests.conftest import post


def invite(client, org, email, role="member"):
    return post(client, f"/o/{org.slug}/invitations", {"email": email, "role": role})


def invitation_link(app, email):
    with app.app_context():
        message = db.session.scalar(select(OutboundEmail).where(OutboundEmail.recipient == email))
    return re.search(r"/invitations/[\w-]+", message.text_body).group(0)


def test_inviting_queues_an_email_with_a_one_time_link(app, team, as_user, enqueued):
    response = invite(as_user(team.people["admin"]), team.org, "Newbie@Example.com")
    assert response.status_code == 303
    link = invitation_link(app, "newbie@example.com")
    assert any(name.endswith("deliver_email") for name, _ in enqueued)
    assert "Acme" in app.test_client().get(link).get_data(as_text=True)


def test_an_existing_account_accepts_and_joins(app, team, as_user, make_user):
    newcomer = make_user(email="joiner@example.com")
    invite(as_user(team.people["owner"]), team.org, newcomer.email, role="viewer")
    client = as_user(newcomer)
    response = post(client, invitation_link(app, newcomer.email))
    assert response.status_code == 303
    assert client.get(f"/o/{team.org.slug}").status_code == 200
    with app.app_context():
        assert {m.user.email: m.role for m in members(team.org.id)}[newcomer.email] == "viewer"


def test_a_new_address_registers_then_accepts_from_the_dashboard(app, team, as_user, make_user):
    invite(as_user(team.people["owner"]), team.org, "fresh@example.com")
    fresh = make_user(email="fresh@example.com")  # registered and confirmed afterwards
    client = as_user(fresh)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "You are invited to join <strong>Acme</strong>" in dashboard
    action = re.search(r'action="(/invitations/mine/\d+)"', dashboard).group(1)
    post(client, action)
    assert client.get(f"/o/{team.org.slug}").status_code == 200


def test_an_invitation_is_single_use(app, team, as_user, make_user):
    newcomer = make_user(email="once@example.com")
    invite(as_user(team.people["owner"]), team.org, newcomer.email)
    link = invitation_link(app, newcomer.email)
    client = as_user(newcomer)
    post(client, link)
    again = post(client, link)
    assert again.status_code == 409
    assert "already used" in again.get_data(as_text=True)


def test_a_revoked_invitation_cannot_be_accepted(app, team, as_user, make_user):
    newcomer = make_user(email="revoked@example.com")
    owner = as_user(team.people["owner"])
    invite(owner, team.org, newcomer.email)
    with app.app_context(), tenancy.system():
        invitation_id = db.session.scalar(
            select(Invitation.id).where(Invitation.email == newcomer.email)
        )
    post(owner, f"/o/{team.org.slug}/invitations/{invitation_id}/revoke")
    response = post(as_user(newcomer), invitation_link(app, newcomer.email))
    assert response.status_code == 409
    assert "revoked" in response.get_data(as_text=True)


def test_an_expired_invitation_cannot_be_accepted(app, team, as_user, make_user):
    newcomer = make_user(email="late@example.com")
    invite(as_user(team.people["owner"]), team.org, newcomer.email)
    with app.app_context(), tenancy.system():
        invitation = db.session.scalar(select(Invitation).where(Invitation.email == newcomer.email))
        invitation.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = post(as_user(newcomer), invitation_link(app, newcomer.email))
    assert response.status_code == 409
    assert "expired" in response.get_data(as_text=True)


def test_the_wrong_account_cannot_accept(app, team, as_user, make_user):
    invite(as_user(team.people["owner"]), team.org, "intended@example.com")
    intruder = make_user(email="intruder@example.com")
    response = post(as_user(intruder), invitation_link(app, "intended@example.com"))
    assert response.status_code == 403
    assert as_user(intruder).get(f"/o/{team.org.slug}").status_code == 404


def test_inviting_someone_already_a_member_says_so(app, team, as_user):
    client = as_user(team.people["owner"])
    response = invite(client, team.org, team.people["member"].email)
    assert response.status_code == 303
    assert "already a member" in client.get(f"/o/{team.org.slug}").get_data(as_text=True)


def api_as(app, user):
    from tests.api.conftest import Api
    from tests.api.conftest import sign_in

    client = app.test_client()
    return Api(client, sign_in(client, user)["access_token"])


def test_the_activity_feed_shows_invited_addresses_only_to_member_managers(app, team, as_user):
    invite(as_user(team.people["admin"]), team.org, "secret-hire@example.com")
    for role in ("viewer", "member"):
        page = as_user(team.people[role]).get(f"/o/{team.org.slug}")
        assert "secret-hire@example.com" not in page.get_data(as_text=True), role
        feed = api_as(app, team.people[role]).get(f"/orgs/{team.org.id}/activity")
        assert "secret-hire@example.com" not in feed.get_data(as_text=True), role
    page = as_user(team.people["admin"]).get(f"/o/{team.org.slug}")
    assert "secret-hire@example.com" in page.get_data(as_text=True)
    feed = api_as(app, team.people["admin"]).get(f"/orgs/{team.org.id}/activity")
    assert "secret-hire@example.com" in feed.get_data(as_text=True)


def test_the_page_and_the_api_refuse_the_same_invitation_address(app, team):
    api = api_as(app, team.people["owner"])
    response = api.post(f"/orgs/{team.org.id}/invitations", json={"email": "nora at example"})
    assert response.status_code == 400
    assert response.json["details"]["email"] == "Enter an email address like ana@example.com."
