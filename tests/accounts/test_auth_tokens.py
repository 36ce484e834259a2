"""Pages take only the revocable session; sensitive steps need a recent sign-in."""

import time

import pytest

from taskmanager.accounts.models import User
from taskmanager.extensions import db
from tests.accounts.test_sessions import sign_in
from tests.accounts.test_sessions import sign_out
from tests.accounts.test_two_factor import enable_two_factor
from tests.conftest import csrf_token
from tests.conftest import post_form
from tests.factories import PASSWORD


def auth_token_for(app, user):
    """The token Flask-Security would have issued for ?include_auth_token."""
    with app.app_context():
        return db.session.get(User, user.id).get_auth_token()


def test_login_does_not_hand_out_an_auth_token(app, client, user):
    response = client.post(
        "/login?include_auth_token",
        json={"email": user.email, "password": PASSWORD},
        headers={"X-CSRFToken": csrf_token(client, "/login")},
    )
    assert response.status_code == 400
    assert "authentication_token" not in response.get_data(as_text=True)


@pytest.mark.parametrize("where", ["query", "header"])
def test_an_auth_token_does_not_sign_in_a_page(app, user, where):
    token = auth_token_for(app, user)
    client = app.test_client()
    if where == "query":
        response = client.get(f"/dashboard?auth_token={token}")
    else:
        response = client.get("/dashboard", headers={"Authentication-Token": token})
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_an_auth_token_does_not_reach_recovery_codes_after_logout(app, client, user):
    sign_in(client, user.email)
    token = auth_token_for(app, user)
    sign_out(client)
    response = app.test_client().get(f"/mf-recovery-codes?auth_token={token}")
    assert response.status_code in (302, 401)
    assert "/login" in response.headers.get("Location", "/login")


def test_disabling_two_factor_asks_for_the_password_on_an_old_session(app, client, user):
    enable_two_factor(app, client, user)
    with client.session_transaction() as session:
        session["fs_paa"] = time.time() - 20 * 60  # signed in 20 minutes ago
        session.pop("fs_gexp", None)
    response = post_form(client, "/tf-setup", {"setup": "disable"}, form_url="/account/settings")
    assert response.status_code == 302
    assert "/verify" in response.headers["Location"]
    with app.app_context():
        assert db.session.get(User, user.id).tf_primary_method == "authenticator"

    verified = post_form(client, "/verify", {"password": PASSWORD})
    assert verified.status_code == 302
    post_form(client, "/tf-setup", {"setup": "disable"}, form_url="/account/settings")
    with app.app_context():
        assert db.session.get(User, user.id).tf_primary_method is None


def test_new_recovery_codes_ask_for_the_password_on_an_old_session(app, client, user):
    sign_in(client, user.email)
    with client.session_transaction() as session:
        session["fs_paa"] = time.time() - 20 * 60
        session.pop("fs_gexp", None)
    response = client.get("/mf-recovery-codes")
    assert response.status_code == 302
    assert "/verify" in response.headers["Location"]
