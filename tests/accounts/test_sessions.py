"""Signing in and out: the session is real, renewed at login, and revocable."""

from urllib.parse import urlsplit

import pytest

from taskmanager.accounts import sessions
from tests.conftest import csrf_token
from tests.conftest import post_form
from tests.factories import PASSWORD


def sign_in(client, email, password=PASSWORD, next_url=None):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return post_form(client, url, {"email": email, "password": password}, form_url="/login")


def sign_out(client):
    return client.post("/logout", data={"csrf_token": csrf_token(client, "/account/settings")})


def session_cookie(client):
    return client.get_cookie("session").value


def test_sign_in_opens_the_dashboard(client, user):
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")
    assert client.get("/dashboard").status_code == 200


def test_unconfirmed_account_cannot_sign_in(client, make_user):
    pending = make_user(confirmed=False)
    sign_in(client, pending.email)
    assert client.get("/dashboard").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_answer(app, user):
    wrong = sign_in(app.test_client(), user.email, password="not the right one at all")
    unknown = sign_in(app.test_client(), "nobody@example.com", password="not the right one")
    assert wrong.status_code == unknown.status_code == 200
    assert _errors(wrong) == _errors(unknown)


def _errors(response):
    import re

    return re.findall(r"invalid-feedback[^>]*>([^<]+)<", response.get_data(as_text=True))


def test_session_identifier_changes_at_every_sign_in(app, client, user):
    sign_in(client, user.email)
    with client.session_transaction() as first:
        first_id = first[sessions.SESSION_KEY]
    sign_out(client)
    sign_in(client, user.email)
    with client.session_transaction() as second:
        assert second[sessions.SESSION_KEY] != first_id


def test_cookie_copied_before_logout_is_rejected_afterwards(app, client, user):
    sign_in(client, user.email)
    copied = session_cookie(client)
    sign_out(client)

    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/dashboard")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_cookie_from_before_a_password_change_is_rejected(app, client, user):
    sign_in(client, user.email)
    copied = session_cookie(client)
    response = post_form(
        client,
        "/change",
        {
            "password": PASSWORD,
            "new_password": "emerald canyon whistle parade",
            "new_password_confirm": "emerald canyon whistle parade",
        },
    )
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200  # the changer stays signed in

    other = app.test_client()
    other.set_cookie("session", copied)
    assert other.get("/dashboard").status_code == 302


def test_change_password_needs_the_current_one(client, user):
    sign_in(client, user.email)
    response = post_form(
        client,
        "/change",
        {
            "password": "a wrong current password",
            "new_password": "emerald canyon whistle parade",
            "new_password_confirm": "emerald canyon whistle parade",
        },
    )
    assert response.status_code == 200
    sign_out(client)
    assert sign_in(client, user.email).headers["Location"].endswith("/dashboard")


def test_deactivated_account_loses_its_session(app, client, user, runner):
    sign_in(client, user.email)
    result = runner.invoke(args=["users", "deactivate", user.email])
    assert result.exit_code == 0, result.output
    assert client.get("/dashboard").status_code == 302


def test_sign_out_elsewhere_ends_other_sessions_only(app, client, user):
    phone = app.test_client()
    sign_in(phone, user.email)
    sign_in(client, user.email)
    post_form(client, "/account/sessions/revoke-others", {}, form_url="/account/settings")
    assert client.get("/dashboard").status_code == 200
    assert phone.get("/dashboard").status_code == 302


def test_anonymous_visitor_is_sent_to_login_with_next(client):
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize(
    "target", ["https://evil.example.com/", "//evil.example.com/", "/\\evil.example.com"]
)
def test_next_never_redirects_to_another_site(app, user, target):
    response = sign_in(app.test_client(), user.email, next_url=target)
    location = response.headers.get("Location", "")
    assert urlsplit(location).netloc in ("", "localhost")
    assert not location.startswith(("//", "/\\"))


def test_next_to_a_page_of_this_site_is_followed(client, user):
    response = sign_in(client, user.email, next_url="/account/settings")
    assert response.headers["Location"].endswith("/account/settings")


def test_form_post_without_csrf_token_is_rejected(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/dashboard").status_code == 302


def test_rapid_failed_sign_ins_end_in_429_with_retry_after(app, user):
    client = app.test_client()
    statuses = [
        sign_in(client, user.email, password="guess number one").status_code for _ in range(12)
    ]
    assert statuses[-1] == 429
    limited = sign_in(client, user.email, password="guess number two")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0


def test_logout_by_get_changes_nothing(client, user):
    sign_in(client, user.email)
    client.get("/logout")
    assert client.get("/dashboard").status_code == 200


def test_guessing_one_account_from_many_addresses_is_limited_too(app, user):
    statuses = []
    for n in range(12):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"203.0.113.{n + 1}"
        statuses.append(sign_in(client, user.email, password=f"guess number {n}").status_code)
    assert statuses[:10] == [200] * 10
    assert statuses[-1] == 429


def test_another_account_is_not_limited_by_guesses_at_the_first(app, user, make_user):
    other = make_user()
    for n in range(11):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"203.0.113.{n + 1}"
        sign_in(client, user.email, password=f"guess number {n}")
    fresh = app.test_client()
    fresh.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert sign_in(fresh, other.email).status_code == 302
