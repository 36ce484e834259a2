"""TOTP two-factor: set up with an authenticator app, then required at every sign-in."""

from taskmanager.accounts.security import current_security
from tests.accounts.test_sessions import sign_in
from tests.conftest import post_form


def totp_code(app, secret):
    with app.app_context():
        return current_security()._totp_factory.generate_totp_password(secret)


def enable_two_factor(app, client, user):
    sign_in(client, user.email)
    response = post_form(client, "/tf-setup", {"setup": "authenticator"})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    with client.session_transaction() as session:
        secret = session["tf_totp_secret"]
    response = post_form(
        client, "/tf-validate", {"code": totp_code(app, secret)}, form_url="/tf-setup"
    )
    assert response.status_code == 302
    forget_used_codes(app, user)
    return secret


def forget_used_codes(app, user):
    """As if the setup code's 30-second step had passed: its code may sign in again."""
    from taskmanager.accounts.models import User
    from taskmanager.extensions import db

    with app.app_context():
        db.session.get(User, user.id).tf_totp_last_counter = None
        db.session.commit()


def test_after_setup_sign_in_needs_the_authenticator_code(app, client, user):
    secret = enable_two_factor(app, client, user)
    client.post("/logout", data={"csrf_token": _token(client)})

    browser = app.test_client()
    first_step = sign_in(browser, user.email)
    assert first_step.status_code == 302
    assert browser.get("/dashboard").status_code == 302  # not signed in yet

    second_step = post_form(browser, "/tf-validate", {"code": totp_code(app, secret)})
    assert second_step.status_code == 302, second_step.get_data(as_text=True)[-1500:]
    assert browser.get("/dashboard").status_code == 200


def test_a_wrong_code_does_not_sign_in(app, client, user):
    enable_two_factor(app, client, user)
    browser = app.test_client()
    sign_in(browser, user.email)
    post_form(browser, "/tf-validate", {"code": "000000"})
    assert browser.get("/dashboard").status_code == 302


def _token(client):
    from tests.conftest import csrf_token

    return csrf_token(client, "/account/settings")


def test_a_recovery_code_signs_in_once_when_the_phone_is_lost(app, client, user):
    enable_two_factor(app, client, user)
    with app.app_context():
        from taskmanager.accounts.models import User
        from taskmanager.extensions import db

        stored = db.session.get(User, user.id)
        codes = current_security().mf_recovery_codes_util.create_recovery_codes(stored)
        db.session.commit()

    browser = app.test_client()
    sign_in(browser, user.email)
    used = post_form(browser, "/mf-recovery", {"code": codes[0]}, form_url="/tf-validate")
    assert used.status_code == 302
    assert browser.get("/dashboard").status_code == 200

    again = app.test_client()
    sign_in(again, user.email)
    post_form(again, "/mf-recovery", {"code": codes[0]}, form_url="/tf-validate")
    assert again.get("/dashboard").status_code == 302


def test_a_code_signs_in_once(app, client, user):
    secret = enable_two_factor(app, client, user)
    code = totp_code(app, secret)
    first = app.test_client()
    sign_in(first, user.email)
    assert post_form(first, "/tf-validate", {"code": code}).status_code == 302
    assert first.get("/dashboard").status_code == 200

    replay = app.test_client()
    sign_in(replay, user.email)
    post_form(replay, "/tf-validate", {"code": code})
    assert replay.get("/dashboard").status_code == 302


def test_an_api_code_signs_in_once(app, client, user):
    from tests.factories import PASSWORD

    secret = enable_two_factor(app, client, user)
    credentials = {"email": user.email, "password": PASSWORD, "otp": totp_code(app, secret)}
    api = app.test_client()
    assert api.post("/api/v1/auth/tokens", json=credentials).status_code == 201
    replayed = api.post("/api/v1/auth/tokens", json=credentials)
    assert replayed.status_code == 401
