"""Absolute links come from the configured base URL, never from the request's Host."""

import re

import pytest
from sqlalchemy import select

from taskmanager import create_app
from taskmanager.config import ConfigError
from taskmanager.extensions import db
from taskmanager.mail.models import OutboundEmail
from tests.test_config import PRODUCTION

EVIL = "http://evil.example"
HOSTILE = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}


def evil_post(client, url, data, form_url="/account/settings"):
    """POST a form as a browser that reached the app under the Host evil.example."""
    session = client.get_cookie("session")
    if session is not None:
        client.set_cookie("session", session.value, domain="evil.example")
    page = client.get(form_url, headers=HOSTILE).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', page).group(1)
    return client.post(url, data={**data, "csrf_token": token}, headers=HOSTILE)


def mailed_links(app, recipient):
    with app.app_context():
        messages = db.session.scalars(
            select(OutboundEmail).where(OutboundEmail.recipient == recipient)
        ).all()
    text = " ".join(m.text_body + (m.html_body or "") for m in messages)
    return re.findall(r"https?://[^\s\"'<>]+", text)


def test_reset_email_links_to_the_base_url_whatever_the_host_header(app, user):
    evil_post(app.test_client(), "/reset", {"email": user.email}, form_url="/reset")
    links = mailed_links(app, user.email)
    assert any("/reset/" in link for link in links)
    assert all(link.startswith("http://localhost/") for link in links), links


def test_confirmation_email_links_to_the_base_url(app):
    password = "violet tractor orbit lantern"
    data = {"email": "newcomer@example.com", "password": password, "password_confirm": password}
    evil_post(app.test_client(), "/register", data, form_url="/register")
    links = mailed_links(app, "newcomer@example.com")
    assert any("/confirm/" in link for link in links)
    assert all(link.startswith("http://localhost/") for link in links), links


def test_invitation_email_links_to_the_base_url(app, team, as_user):
    client = as_user(team.people["owner"])
    data = {"email": "guest@example.com", "role": "member"}
    evil_post(client, f"/o/{team.org.slug}/invitations", data)
    links = [link for link in mailed_links(app, "guest@example.com") if "/invitations/" in link]
    assert links
    assert all(link.startswith("http://localhost/invitations/") for link in links), links


def test_calendar_link_is_on_the_base_url(app, auth_client):
    evil_post(auth_client, "/account/calendar", {})
    page = auth_client.get("/account/settings", headers=HOSTILE).get_data(as_text=True)
    assert "evil.example" not in page
    assert "http://localhost/calendar/" in page


def test_api_link_header_is_on_the_base_url(app, team):
    from taskmanager.api import tokens

    with app.app_context():
        pair = tokens.sign_in(
            email=team.people["owner"].email, password="a sturdy passphrase for tests"
        )
    response = app.test_client().get(
        "/api/v1/orgs",
        headers={**HOSTILE, "Authorization": f"Bearer {pair.access_token}"},
    )
    assert response.status_code == 200
    assert "evil.example" not in response.headers["Link"]
    assert "http://localhost/api/v1/orgs" in response.headers["Link"]


def test_production_refuses_to_start_without_a_base_url(monkeypatch):
    monkeypatch.delenv("TASKMANAGER_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="TASKMANAGER_BASE_URL"):
        create_app({k: v for k, v in PRODUCTION.items() if k != "BASE_URL"})


def test_production_refuses_a_base_url_that_is_not_absolute():
    with pytest.raises(ConfigError, match="TASKMANAGER_BASE_URL"):
        create_app({**PRODUCTION, "BASE_URL": "tasks.example.com"})


def test_production_trusts_only_the_base_urls_host_by_default():
    app = create_app({**PRODUCTION, "DATABASE_URL": "sqlite://"})
    assert app.config["TRUSTED_HOSTS"] == ["tasks.example.com", "127.0.0.1", "localhost"]
    client = app.test_client()
    assert client.get("/livez", base_url="https://evil.example").status_code == 400
    assert client.get("/livez", base_url="https://tasks.example.com").status_code == 200
    # A container's health check reaches the app on loopback.
    assert client.get("/livez", base_url="http://127.0.0.1:8000").status_code == 200
