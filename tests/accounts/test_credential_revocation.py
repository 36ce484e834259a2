"""A password change or reset, a deactivation, "sign out elsewhere": API credentials die too."""

import re

import pytest
from sqlalchemy import select

from taskmanager.accounts import services as accounts
from taskmanager.extensions import db
from taskmanager.mail.models import OutboundEmail
from tests.accounts.test_sessions import sign_in as page_sign_in
from tests.api.conftest import Api
from tests.api.conftest import sign_in as api_sign_in
from tests.conftest import post_form
from tests.factories import PASSWORD

NEW_PASSWORD = "harbour lights over quiet water"


def credentials(client, user):
    """A refresh token, an access token and a personal token, all working."""
    pair = api_sign_in(client, user)
    created = Api(client, pair["access_token"]).post("/tokens", json={"name": "ci"})
    assert created.status_code == 201
    return pair, created.json["token"]


def assert_all_dead(client, pair, personal):
    refresh = client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refresh.status_code == 401
    assert Api(client, pair["access_token"]).get("/me").status_code == 401
    assert Api(client, personal).get("/me").status_code == 401


def change_password(app, client, user):
    page_sign_in(client, user.email)
    response = post_form(
        client,
        "/change",
        {"password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302


def reset_password(app, client, user):
    post_form(client, "/reset", {"email": user.email})
    with app.app_context():
        message = db.session.scalar(
            select(OutboundEmail).where(OutboundEmail.recipient == user.email)
        )
    path = re.search(r"/reset/[^\s\"<]+", message.text_body).group(0)
    response = post_form(client, path, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302


def deactivate(app, client, user):
    with app.app_context():
        accounts.deactivate(email=user.email)


def sign_out_elsewhere(app, client, user):
    page_sign_in(client, user.email)
    response = post_form(
        client, "/account/sessions/revoke-others", {}, form_url="/account/settings"
    )
    assert response.status_code == 302


@pytest.mark.parametrize("event", [change_password, reset_password, deactivate, sign_out_elsewhere])
def test_every_api_credential_is_revoked(app, user, event):
    api = app.test_client()
    pair, personal = credentials(api, user)
    assert Api(api, personal).get("/me").status_code == 200

    event(app, app.test_client(), user)

    assert_all_dead(api, pair, personal)


def test_the_settings_page_says_personal_tokens_are_revoked_too(auth_client):
    page = auth_client.get("/account/settings").get_data(as_text=True)
    assert "personal API token" in page
