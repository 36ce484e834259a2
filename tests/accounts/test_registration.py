import re

from sqlalchemy import func
from sqlalchemy import select

from taskmanager.accounts.models import User
from taskmanager.extensions import db
from taskmanager.mail.models import OutboundEmail
from tests.conftest import post_form
from tests.support.smtp import text_of

GOOD_PASSWORD = "violet tractor orbit lantern"


def register(client, email, password=GOOD_PASSWORD):
    return post_form(
        client,
        "/register",
        {"email": email, "password": password, "password_confirm": password},
    )


def count_users(app, email):
    with app.app_context():
        return db.session.scalar(select(func.count()).where(User.email == email.lower()))


def test_confirmation_email_arrives_through_the_worker_and_its_link_confirms(
    committed_app, worker, inbox, client
):
    response = register(client, "newcomer@example.com")
    assert response.status_code == 302

    (message,) = inbox.wait_for(lambda m: "newcomer@example.com" in str(m["To"]))
    link = re.search(r"http://\S+/confirm/\S+", text_of(message)).group(0)
    confirmed = client.get(link.replace("http://localhost", ""), follow_redirects=True)

    assert confirmed.status_code == 200
    with committed_app.app_context():
        user = db.session.scalar(select(User).where(User.email == "newcomer@example.com"))
        assert user.confirmed_at is not None


def test_registering_a_known_email_answers_exactly_like_a_new_one(app, client, user):
    known = register(client, user.email)
    unknown = register(app.test_client(), "someone-new@example.com")

    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert count_users(app, user.email) == 1


def test_registering_a_known_email_tells_its_owner_instead(app, client, user, enqueued):
    register(client, user.email)
    with app.app_context():
        sent = db.session.scalars(
            select(OutboundEmail).where(OutboundEmail.recipient == user.email)
        ).all()
    assert len(sent) == 1
    assert ("taskmanager.mail.jobs.deliver_email", {"email_id": sent[0].id}) in enqueued


def test_email_addresses_are_unique_whatever_their_case(app, client, make_user):
    make_user(email="mixed@example.com")
    register(client, "MIXED@Example.com")
    assert count_users(app, "mixed@example.com") == 1


def test_common_password_is_refused(app, client):
    response = register(client, "weak@example.com", password="password123")
    assert response.status_code == 200
    assert "password" in response.get_data(as_text=True).lower()
    assert count_users(app, "weak@example.com") == 0


def test_short_password_is_refused(app, client):
    response = register(client, "short@example.com", password="x7#Lq")
    assert response.status_code == 200
    assert count_users(app, "short@example.com") == 0


def test_long_passphrase_is_accepted(app, client):
    passphrase = "the quiet harbour keeps seven blue boats under a winter moon " * 2
    response = register(client, "passphrase@example.com", password=passphrase.strip())
    assert response.status_code == 302
    assert count_users(app, "passphrase@example.com") == 1
