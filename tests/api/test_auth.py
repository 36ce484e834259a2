"""Signing in through the API: token pairs, rotation, theft detection, personal tokens."""

from flask_jwt_extended import decode_token

from taskmanager.extensions import db
from tests.api.conftest import Api
from tests.api.conftest import sign_in
from tests.factories import PASSWORD


def test_a_confirmed_user_gets_an_access_and_a_refresh_token(client, user):
    body = sign_in(client, user)
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 15 * 60
    me = Api(client, body["access_token"]).get("/me")
    assert me.status_code == 200
    assert me.json["email"] == user.email


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(client, user):
    wrong = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": "nope"})
    unknown = client.post(
        "/api/v1/auth/tokens", json={"email": "nobody@example.com", "password": "nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json


def test_an_unconfirmed_email_is_refused_with_its_own_code(client, make_user):
    user = make_user(confirmed=False)
    response = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 403
    assert response.json["error"] == "email_not_confirmed"


def test_refreshing_rotates_the_pair(client, user):
    first = sign_in(client, user)
    second = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    assert second.json["refresh_token"] != first["refresh_token"]
    assert Api(client, second.json["access_token"]).get("/me").status_code == 200


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(client, user):
    first = sign_in(client, user)
    second = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})

    replay = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})

    assert replay.status_code == 401
    # The legitimate holder's newer tokens die with the family.
    newer = second.json
    assert (
        client.post(
            "/api/v1/auth/refresh", json={"refresh_token": newer["refresh_token"]}
        ).status_code
        == 401
    )
    assert Api(client, newer["access_token"]).get("/me").status_code == 401


def test_revoking_signs_out_the_refresh_and_access_tokens(client, user):
    pair = sign_in(client, user)
    response = client.post("/api/v1/auth/revoke", json={"refresh_token": pair["refresh_token"]})
    assert response.status_code == 204
    assert Api(client, pair["access_token"]).get("/me").status_code == 401
    again = client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert again.status_code == 401


def test_an_access_token_names_the_api_audience_and_expires(app, client, user):
    pair = sign_in(client, user)
    with app.app_context():
        claims = decode_token(pair["access_token"])
    assert claims["aud"] == "taskmanager-api"
    assert claims["exp"] - claims["iat"] == 15 * 60
    assert claims["type"] == "access"


def test_the_api_ignores_the_session_cookie(as_user, user):
    browser = as_user(user)
    assert browser.get("/api/v1/me").status_code == 401


def test_the_api_neither_reads_nor_writes_the_page_cookies(as_user, user):
    browser = as_user(user)
    response = browser.get("/api/v1/me", headers={"Cookie": "remember_token=forged"})
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    assert browser.get("/dashboard").status_code == 200  # the page session is untouched


def test_two_factor_accounts_need_the_code_for_tokens(app, client, user):
    from tests.accounts.test_two_factor import enable_two_factor
    from tests.accounts.test_two_factor import totp_code

    secret = enable_two_factor(app, app.test_client(), user)
    credentials = {"email": user.email, "password": PASSWORD}

    missing = client.post("/api/v1/auth/tokens", json=credentials)
    assert missing.status_code == 401
    assert missing.json["details"] == {"otp": "Required for this account."}
    wrong = client.post("/api/v1/auth/tokens", json={**credentials, "otp": "000000"})
    assert wrong.status_code == 401
    assert wrong.json["details"] == {"otp": "Not valid."}
    right = client.post("/api/v1/auth/tokens", json={**credentials, "otp": totp_code(app, secret)})
    assert right.status_code == 201
    assert right.json["token_type"] == "Bearer"


def test_registering_answers_201_and_queues_the_confirmation(client, enqueued):
    response = client.post(
        "/api/v1/auth/register",
        json={"email": "newcomer@example.com", "password": PASSWORD, "name": "New"},
    )
    assert response.status_code == 201
    assert any(name.endswith("deliver_email") for name, _ in enqueued)


def test_registering_a_known_email_answers_the_same_and_tells_its_owner(app, client, user):
    from sqlalchemy import select

    from taskmanager.mail.models import OutboundEmail

    fresh = client.post(
        "/api/v1/auth/register", json={"email": "another@example.com", "password": PASSWORD}
    )
    known = client.post("/api/v1/auth/register", json={"email": user.email, "password": PASSWORD})
    assert known.status_code == fresh.status_code == 201
    assert known.json == fresh.json
    with app.app_context():
        sent = db.session.scalars(
            select(OutboundEmail).where(OutboundEmail.recipient == user.email)
        ).all()
    assert len(sent) == 1


def test_a_weak_password_is_refused_on_registration(client):
    response = client.post(
        "/api/v1/auth/register", json={"email": "weak@example.com", "password": "password"}
    )
    assert response.status_code == 422
    assert "password" in response.json["details"]


def test_a_personal_token_is_shown_once_and_works_as_bearer(client, user):
    api = Api(client, sign_in(client, user)["access_token"])
    created = api.post("/tokens", json={"name": "CI"})
    assert created.status_code == 201
    secret = created.json["token"]
    listed = api.get("/tokens").json["items"]
    assert [t["name"] for t in listed] == ["CI"]
    assert "token" not in listed[0] and secret not in str(listed)
    assert Api(client, secret).get("/me").json["email"] == user.email


def test_a_deleted_personal_token_stops_working(client, user):
    api = Api(client, sign_in(client, user)["access_token"])
    created = api.post("/tokens", json={"name": "CI"}).json
    assert api.delete(f"/tokens/{created['id']}").status_code == 204
    assert Api(client, created["token"]).get("/me").status_code == 401


def test_someone_elses_personal_token_cannot_be_deleted(client, user, make_user):
    mine = Api(client, sign_in(client, user)["access_token"])
    token_id = mine.post("/tokens", json={"name": "CI"}).json["id"]
    other = Api(client, sign_in(client, make_user())["access_token"])
    assert other.delete(f"/tokens/{token_id}").status_code == 404
    assert len(mine.get("/tokens").json["items"]) == 1


def test_the_token_endpoint_is_rate_limited_with_retry_after(client, user):
    answers = [
        client.post("/api/v1/auth/tokens", json={"email": user.email, "password": "wrong"})
        for _ in range(11)
    ]
    assert [a.status_code for a in answers[:10]] == [401] * 10
    assert answers[10].status_code == 429
    assert answers[10].json["error"] == "rate_limited"
    assert int(answers[10].headers["Retry-After"]) > 0


def test_api_requests_load_no_page_identity(app, as_user, user, monkeypatch):
    """Flask-Principal's identity loaders do not run on /api: a bearer caller is no session user."""
    from flask import g
    from flask import request

    principal = app.extensions["security"].principal
    calls: list[str] = []

    def counted(loader):
        def load():
            calls.append(request.path)
            return loader()

        return load

    monkeypatch.setattr(
        principal, "identity_loaders", [counted(f) for f in principal.identity_loaders]
    )
    browser = as_user(user)  # a signed-in page session on the same client
    api = Api(browser, sign_in(browser, user)["access_token"])
    calls.clear()
    with browser:
        assert api.get("/me").status_code == 200
        assert g.identity.id is None  # AnonymousIdentity: anything asking gets "nobody"
    assert calls == []
    assert browser.get("/dashboard").status_code == 200
    assert calls == ["/dashboard"]  # the pages still load theirs
