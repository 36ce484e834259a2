"""Webhook pages, the secret shown once, roles and tenant isolation (pages and API)."""

from __future__ import annotations

import pytest

from tests.conftest import post

HOOK = {"url": "https://hooks.example.com/in", "events": ["task.created", "member.joined"]}


def test_an_owner_adds_a_webhook_on_the_page_and_sees_the_secret_once(team, as_user):
    client = as_user(team.people["owner"])
    base = f"/o/{team.org.slug}/webhooks"
    assert "Add a webhook" in client.get(base).get_data(as_text=True)

    response = post(client, base, {**HOOK, "description": "Chat"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Copy the signing secret now" in page
    secret = page.split("whsec_", 1)[1].split("<", 1)[0]

    listing = client.get(base).get_data(as_text=True)
    assert "hooks.example.com/in" in listing and "Chat" in listing
    endpoint_id = int(listing.split(f"{base}/", 1)[1].split('"', 1)[0])
    detail = client.get(f"{base}/{endpoint_id}").get_data(as_text=True)
    assert "Delivery log" in detail and secret not in detail and "whsec_" not in detail

    rotated = post(client, f"{base}/{endpoint_id}/rotate").get_data(as_text=True)
    assert "whsec_" in rotated and secret not in rotated


def test_a_webhook_without_events_is_refused_with_the_form_kept(team, as_user):
    client = as_user(team.people["admin"])
    response = post(client, f"/o/{team.org.slug}/webhooks", {"url": "https://kept.example.com/x"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose at least one event." in page and "https://kept.example.com/x" in page


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_cannot_see_webhooks(team, as_user, api_as, role):
    person = team.people[role]
    assert as_user(person).get(f"/o/{team.org.slug}/webhooks").status_code == 403
    assert api_as(person).get(f"/orgs/{team.org.id}/webhooks").status_code == 403
    home = as_user(person).get(f"/o/{team.org.slug}").get_data(as_text=True)
    assert "/webhooks" not in home


@pytest.mark.parametrize("role", ["owner", "admin", "member", "viewer"])
def test_another_organizations_webhook_is_404_on_every_page_and_operation(
    team, other_team, as_user, api_as, role
):
    theirs = api_as(other_team.owner).post(f"/orgs/{other_team.org.id}/webhooks", json=HOOK).json
    hook = theirs["id"]
    api = api_as(team.people[role])
    for method, path, body in [
        ("GET", f"/orgs/{other_team.org.id}/webhooks", None),
        ("POST", f"/orgs/{other_team.org.id}/webhooks", HOOK),
        ("GET", f"/webhooks/{hook}", None),
        ("PATCH", f"/webhooks/{hook}", {"url": "https://evil.example.com/"}),
        ("DELETE", f"/webhooks/{hook}", None),
        ("POST", f"/webhooks/{hook}/rotate-secret", {}),
        ("GET", f"/webhooks/{hook}/deliveries", None),
        ("POST", f"/webhooks/{hook}/deliveries/1/redeliver", {}),
    ]:
        assert api.request(method, path, json=body).status_code == 404, (method, path)
    client = as_user(team.people[role])
    base = f"/o/{team.org.slug}/webhooks/{hook}"
    assert client.get(base).status_code == 404
    for path in ("", "/rotate", "/delete", "/active", "/deliveries/1/redeliver"):
        assert post(client, base + path, {"url": "https://evil.example.com/"}).status_code == 404
    after = api_as(other_team.owner).get(f"/webhooks/{hook}").json
    assert after["url"] == HOOK["url"] and after["active"] is True


def test_the_api_creates_changes_and_deletes_a_webhook(team, api_as):
    api = api_as(team.people["admin"])
    created = api.post(f"/orgs/{team.org.id}/webhooks", json=HOOK)
    assert created.status_code == 201
    assert created.headers["Location"].endswith(f"/webhooks/{created.json['id']}")
    hook = created.json["id"]
    assert api.get(f"/orgs/{team.org.id}/webhooks").json["items"][0]["url"] == HOOK["url"]
    assert "secret" not in api.get(f"/orgs/{team.org.id}/webhooks").json["items"][0]

    changed = api.patch(f"/webhooks/{hook}", json={"events": ["task.deleted"], "active": False})
    assert changed.status_code == 200
    assert changed.json["events"] == ["task.deleted"] and changed.json["active"] is False
    assert api.patch(f"/webhooks/{hook}", json={"events": ["task.exploded"]}).status_code == 400
    assert api.patch(f"/webhooks/{hook}", json={"secret": "whsec_mine"}).status_code == 400
    assert api.delete(f"/webhooks/{hook}").status_code == 204
    assert api.get(f"/webhooks/{hook}").status_code == 404


def test_the_page_disables_enables_and_redelivers(team, as_user, api_as, enqueued):
    api = api_as(team.people["owner"])
    hook = api.post(f"/orgs/{team.org.id}/webhooks", json=HOOK).json["id"]
    api.post(f"/orgs/{team.org.id}/invitations", json={"email": "x@example.com"})
    api.post(f"/projects/{team.project.id}/tasks", json={"title": "Sent"})
    [delivery] = api.get(f"/webhooks/{hook}/deliveries").json["items"]
    client = as_user(team.people["admin"])
    base = f"/o/{team.org.slug}/webhooks/{hook}"

    off = post(client, f"{base}/active", {"active": "0"}, follow_redirects=True)
    assert "Webhook disabled" in off.get_data(as_text=True)
    refused = post(client, f"{base}/deliveries/{delivery['id']}/redeliver", follow_redirects=True)
    assert "enable it, then redeliver" in refused.get_data(as_text=True)
    on = post(client, f"{base}/active", {"active": "1"}, follow_redirects=True)
    assert "Webhook enabled" in on.get_data(as_text=True)
    sent = post(client, f"{base}/deliveries/{delivery['id']}/redeliver", follow_redirects=True)
    assert "Sent again" in sent.get_data(as_text=True)
    log = api.get(f"/webhooks/{hook}/deliveries").json["items"]
    assert [d["message_id"] for d in log] == [delivery["message_id"]] * 2
    published = [k for name, k in enqueued if name.endswith("webhooks.jobs.deliver")]
    assert len(published) == 2
