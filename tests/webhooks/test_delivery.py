"""Webhooks delivered for real: a Celery worker POSTs to a receiver on loopback."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import standardwebhooks

from tests.factories import make_org
from tests.factories import make_project
from tests.support.waiting import wait_until
from tests.webhooks.verifier import verify

EVENTS = ["task.created", "task.updated", "task.deleted", "comment.created"]


@pytest.fixture
def owned(committed_app, worker, make_user, api_as):
    """An owner's organization with a project, committed, and the owner's API client."""
    owner = make_user(name="Olga Owner")
    org = make_org(committed_app, owner, name="Hooked")
    project = make_project(committed_app, org)
    return SimpleNamespace(owner=owner, org=org, project=project, api=api_as(owner))


def add_webhook(api, org_id, url, events=EVENTS):
    response = api.post(f"/orgs/{org_id}/webhooks", json={"url": url, "events": events})
    assert response.status_code == 201, response.json
    return response.json


def deliveries(api, endpoint_id):
    return api.get(f"/webhooks/{endpoint_id}/deliveries").json["items"]


def test_task_and_comment_events_arrive_signed_as_the_specification_says(owned, receiver):
    org, project, api = owned.org, owned.project, owned.api
    hook = add_webhook(api, org.id, receiver.url)
    assert hook["secret"].startswith("whsec_")

    task = api.post(f"/projects/{project.id}/tasks", json={"title": "Ship it"}).json
    api.post(f"/tasks/{task['id']}/comments", json={"body": "On it"})
    api.patch(f"/tasks/{task['id']}", json={"status": "done"})
    api.delete(f"/tasks/{task['id']}")

    received = receiver.wait_for(4)
    for request in received:
        assert verify(hook["secret"], request.headers, request.body)
        # The reference implementation agrees.
        standardwebhooks.Webhook(hook["secret"]).verify(request.body, request.headers)
        assert request.headers["webhook-signature"].startswith("v1,")
    bodies = [json.loads(request.body) for request in received]
    assert sorted(body["type"] for body in bodies) == sorted(EVENTS)
    by_type = {body["type"]: body["data"] for body in bodies}
    assert by_type["task.created"]["task"]["title"] == "Ship it"
    assert by_type["comment.created"]["comment"]["body"] == "On it"
    assert by_type["task.updated"]["changes"]["status"] == {"from": "todo", "to": "done"}
    assert by_type["task.deleted"]["task"]["id"] == task["id"]
    assert len({request.headers["webhook-id"] for request in received}) == 4

    wait_until(
        lambda: all(d["state"] == "succeeded" for d in deliveries(api, hook["id"])),
        timeout=30, what="the log shows every delivery succeeded",
    )  # fmt: skip
    log = deliveries(api, hook["id"])
    assert len(log) == 4
    assert all(d["log"][0]["status_code"] == 204 for d in log)


def test_a_tampered_body_or_a_wrong_secret_does_not_verify(owned, receiver):
    org, project, api = owned.org, owned.project, owned.api
    hook = add_webhook(api, org.id, receiver.url, ["task.created"])
    api.post(f"/projects/{project.id}/tasks", json={"title": "Original"})
    [request] = receiver.wait_for(1)

    assert verify(hook["secret"], request.headers, request.body)
    assert not verify(hook["secret"], request.headers, request.body.replace(b"Original", b"Forged"))
    other = api.post(
        f"/orgs/{org.id}/webhooks", json={"url": receiver.url, "events": ["task.deleted"]}
    )
    assert not verify(other.json["secret"], request.headers, request.body)


def test_after_a_rotation_both_secrets_sign_during_the_overlap(owned, receiver):
    org, project, api = owned.org, owned.project, owned.api
    hook = add_webhook(api, org.id, receiver.url, ["task.created"])

    rotated = api.post(f"/webhooks/{hook['id']}/rotate-secret")
    assert rotated.status_code == 200
    new_secret = rotated.json["secret"]
    assert new_secret != hook["secret"] and rotated.json["secret_rotating_until"]
    api.post(f"/projects/{project.id}/tasks", json={"title": "During the overlap"})
    [request] = receiver.wait_for(1)

    assert len(request.headers["webhook-signature"].split(" ")) == 2
    assert verify(new_secret, request.headers, request.body)
    assert verify(hook["secret"], request.headers, request.body)
    standardwebhooks.Webhook(new_secret).verify(request.body, request.headers)
    assert "secret" not in api.get(f"/webhooks/{hook['id']}").json


def test_a_failing_receiver_is_retried_then_disabled_and_the_owners_emailed(
    committed_app, owned, receiver, inbox, monkeypatch
):
    # The day-long schedule (5 s ... 10 h), compressed: two retries a moment apart.
    monkeypatch.setitem(committed_app.config, "WEBHOOK_RETRY_SCHEDULE", [0.05, 0.05])
    receiver.status = 500
    owner, org, project, api = owned.owner, owned.org, owned.project, owned.api
    hook = add_webhook(api, org.id, receiver.url, ["task.created"])

    api.post(f"/projects/{project.id}/tasks", json={"title": "Nobody hears this"})

    received = receiver.wait_for(3)
    [email] = inbox.wait_for(lambda m: owner.email in str(m["To"]), timeout=30)
    assert "disabled" in str(email["Subject"])
    assert receiver.url in email.get_body(preferencelist=("plain",)).get_content()
    assert len({r.headers["webhook-id"] for r in received}) == 1  # one message, tried 3 times
    endpoint = api.get(f"/webhooks/{hook['id']}").json
    assert endpoint["active"] is False
    assert "3 failed attempts" in endpoint["disabled_reason"]
    [delivery] = deliveries(api, hook["id"])
    assert delivery["state"] == "failed" and delivery["attempts"] == 3
    assert [a["status_code"] for a in delivery["log"]] == [500, 500, 500]

    # Disabled: nothing new is sent, and a redelivery asks to enable it first.
    redeliver = f"/webhooks/{hook['id']}/deliveries/{delivery['id']}/redeliver"
    assert api.post(redeliver).status_code == 409
    receiver.status = 200
    assert api.patch(f"/webhooks/{hook['id']}", json={"active": True}).status_code == 200
    again = api.post(redeliver)
    assert again.status_code == 202
    assert again.json["message_id"] == delivery["message_id"]
    fourth = receiver.wait_for(4)[3]
    assert fourth.headers["webhook-id"] == delivery["message_id"]
    assert verify(hook["secret"], fourth.headers, fourth.body)
