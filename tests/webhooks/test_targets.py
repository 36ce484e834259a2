"""SSRF: with the production setting, private, loopback and reserved targets are refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.webhooks.jobs import deliver
from taskmanager.webhooks.models import WebhookAttempt

REFUSED = [
    "https://127.0.0.1/hooks",
    "https://10.1.2.3/hooks",
    "https://192.168.0.10/hooks",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::1]/hooks",
    "https://[::ffff:127.0.0.1]/hooks",
    "https://0.0.0.0/hooks",
    "https://localhost/hooks",  # a name that resolves to loopback
    "http://93.184.215.14/hooks",  # public, but not HTTPS
    "https://user:pass@93.184.215.14/hooks",
    "https://[::1/hooks",  # malformed
]


@pytest.fixture
def production_rule(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False)


@pytest.mark.parametrize("url", REFUSED)
def test_private_and_reserved_targets_are_refused_in_production(production_rule, team, api_as, url):
    response = api_as(team.people["owner"]).post(
        f"/orgs/{team.org.id}/webhooks", json={"url": url, "events": ["task.created"]}
    )
    assert response.status_code == 422, response.json
    assert "url" in response.json["details"]
    assert api_as(team.people["owner"]).get(f"/orgs/{team.org.id}/webhooks").json["total"] == 0


def test_the_page_says_why_a_target_is_refused_and_keeps_what_was_typed(
    production_rule, team, as_user
):
    from tests.conftest import post

    client = as_user(team.people["owner"])
    url = "https://169.254.169.254/latest/meta-data/"
    response = post(client, f"/o/{team.org.slug}/webhooks", {"url": url, "events": "task.created"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "private, loopback or reserved" in page and url in page


def test_a_stored_target_is_checked_again_at_delivery_time(
    app, team, api_as, enqueued, monkeypatch
):
    # Saved while allowed (development), delivered under the production rule: the
    # address is resolved and refused before any connection is made.
    api = api_as(team.people["owner"])
    hook = api.post(
        f"/orgs/{team.org.id}/webhooks",
        json={"url": "https://127.0.0.1:9/hooks", "events": ["task.created"]},
    ).json
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
    monkeypatch.setitem(app.config, "WEBHOOK_RETRY_SCHEDULE", [])  # no retry to publish
    api.post(f"/projects/{team.project.id}/tasks", json={"title": "Probe"})
    [kwargs] = [k for name, k in enqueued if name == deliver.name]

    with app.app_context():
        deliver.run(**kwargs)
        with tenancy.system():
            [attempt] = db.session.scalars(select(WebhookAttempt)).all()
    assert attempt.status_code is None
    assert "private, loopback or reserved" in attempt.error
    assert api.get(f"/webhooks/{hook['id']}/deliveries").json["items"][0]["state"] == "failed"
    assert api.get(f"/webhooks/{hook['id']}").json["active"] is False
