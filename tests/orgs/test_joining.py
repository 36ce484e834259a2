"""Joining from an invitation's "Create an account": the session remembers, the address decides."""

from tests.conftest import csrf_token
from tests.orgs.test_invitations import invitation_link
from tests.orgs.test_invitations import invite


def start_registration(app, link):
    visitor = app.test_client()
    token = csrf_token(visitor, link)
    response = visitor.post(f"{link}/register", data={"csrf_token": token})
    return visitor, response


def test_create_an_account_opens_registration_with_the_invited_address(app, team, as_user):
    invite(as_user(team.people["owner"]), team.org, "Nora@Example.com")
    _, response = start_registration(app, invitation_link(app, "nora@example.com"))
    assert response.status_code == 303
    assert response.location.endswith("/register?email=nora@example.com")


def test_create_an_account_needs_the_pages_csrf_token(app, team, as_user):
    invite(as_user(team.people["owner"]), team.org, "nora@example.com")
    link = invitation_link(app, "nora@example.com")
    response = app.test_client().post(f"{link}/register")
    assert response.status_code == 400


def test_signing_in_with_the_invited_address_joins_after_registering(app, team, as_user, make_user):
    from tests.factories import sign_in

    invite(as_user(team.people["owner"]), team.org, "nora@example.com")
    visitor, _ = start_registration(app, invitation_link(app, "nora@example.com"))
    nora = make_user(email="nora@example.com")  # registered and confirmed meanwhile
    sign_in(app, visitor, nora)
    response = visitor.get("/dashboard")
    assert response.status_code == 303
    assert response.location.endswith(f"/o/{team.org.slug}")


def test_another_address_in_the_same_browser_does_not_join(app, team, as_user, make_user):
    from tests.factories import sign_in

    invite(as_user(team.people["owner"]), team.org, "nora@example.com")
    visitor, _ = start_registration(app, invitation_link(app, "nora@example.com"))
    someone_else = make_user(email="mallory@example.com")
    sign_in(app, visitor, someone_else)
    assert visitor.get("/dashboard").status_code == 200
    assert visitor.get(f"/o/{team.org.slug}").status_code == 404


def test_an_unknown_invitation_link_is_not_found(app):
    visitor = app.test_client()
    token = csrf_token(visitor, "/login")
    response = visitor.post("/invitations/not-a-real-token/register", data={"csrf_token": token})
    assert response.status_code == 404
