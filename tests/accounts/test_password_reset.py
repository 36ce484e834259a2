import re

from tests.accounts.test_sessions import sign_in
from tests.conftest import post_form
from tests.support.smtp import text_of

NEW_PASSWORD = "harbour lights over quiet water"


def ask_reset(client, email):
    return post_form(client, "/reset", {"email": email})


def test_reset_email_arrives_and_its_link_sets_a_new_password(
    committed_app, worker, inbox, client, make_user
):
    user = make_user()
    assert ask_reset(client, user.email).status_code in (200, 302)

    (message,) = inbox.wait_for(lambda m: user.email in str(m["To"]))
    link = re.search(r"http://\S+/reset/\S+", text_of(message)).group(0)
    path = link.replace("http://localhost", "")
    response = post_form(client, path, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302

    fresh = committed_app.test_client()
    assert sign_in(fresh, user.email, password=NEW_PASSWORD).status_code == 302
    assert fresh.get("/dashboard").status_code == 200
    stale = committed_app.test_client()
    sign_in(stale, user.email)
    assert stale.get("/dashboard").status_code == 302


def test_reset_answers_the_same_for_known_and_unknown_emails(app, user):
    known = ask_reset(app.test_client(), user.email)
    unknown = ask_reset(app.test_client(), "stranger@example.com")
    assert known.status_code == unknown.status_code
    assert known.headers.get("Location") == unknown.headers.get("Location")
