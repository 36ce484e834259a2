"""Idempotency-Key on POST: a retry gets the first answer, never a second object."""

import io
import time
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from taskmanager import tenancy
from taskmanager.api import idempotency
from taskmanager.api import replay
from taskmanager.api.models import IdempotencyKey
from taskmanager.api.models import PersonalToken
from taskmanager.db import utcnow
from taskmanager.extensions import db
from taskmanager.projects import services as projects
from taskmanager.projects.models import Project
from taskmanager.schedule import ScheduleRun
from taskmanager.tasks.models import Task


def key(value="5f0c7a52-4a0e-4f7e-9a43-2f1b7e6c1d10"):
    return {"Idempotency-Key": value}


def count(app, model, **where):
    with app.app_context(), tenancy.system():
        return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def age_keys(app, by):
    with app.app_context():
        db.session.execute(update(IdempotencyKey).values(created_at=utcnow() - by))
        db.session.commit()


def test_a_retried_project_creation_answers_the_first_project(app, team, api_as):
    api = api_as(team.people["admin"])
    url = f"/orgs/{team.org.id}/projects"

    first = api.post(url, json={"name": "Launch"}, headers=key())
    retry = api.post(url, json={"name": "Launch"}, headers=key())

    assert first.status_code == retry.status_code == 201
    assert retry.json == first.json
    assert retry.headers["Location"] == first.headers["Location"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert count(app, Project, name="Launch") == 1


def test_a_retried_task_creation_answers_the_first_task_with_its_etag(app, team, api_as):
    api = api_as(team.people["member"])
    url = f"/projects/{team.project.id}/tasks"

    first = api.post(url, json={"title": "Ship it"}, headers=key())
    retry = api.post(url, json={"title": "Ship it"}, headers=key())

    assert first.status_code == retry.status_code == 201
    assert retry.json["id"] == first.json["id"]
    assert (
        retry.headers["Location"]
        == first.headers["Location"]
        == f"/api/v1/tasks/{first.json['id']}"
    )
    assert retry.headers["ETag"] == first.headers["ETag"]
    assert count(app, Task, title="Ship it") == 1


def test_the_same_json_spelt_differently_is_the_same_request(app, team, api_as):
    api = api_as(team.people["admin"])
    url = f"/api/v1/orgs/{team.org.id}/projects"
    headers = {**key(), "Authorization": f"Bearer {api.token}", "Content-Type": "application/json"}

    first = api.client.post(url, data='{"name": "Docs", "description": "d"}', headers=headers)
    retry = api.client.post(url, data='{ "description":"d","name":"Docs" }', headers=headers)

    assert retry.json["id"] == first.json["id"]
    assert count(app, Project, name="Docs") == 1


def test_the_same_key_with_another_body_is_409_and_creates_nothing(app, team, api_as):
    api = api_as(team.people["admin"])
    url = f"/orgs/{team.org.id}/projects"
    api.post(url, json={"name": "Launch"}, headers=key())

    reused = api.post(url, json={"name": "Other"}, headers=key())

    assert reused.status_code == 409
    assert reused.json["error"] == "conflict"
    assert "Idempotency-Key" in reused.json["message"]
    assert count(app, Project, name="Other") == 0


def test_the_same_key_on_another_operation_is_409(app, team, api_as):
    api = api_as(team.people["admin"])
    api.post(f"/orgs/{team.org.id}/projects", json={"name": "Launch"}, headers=key())

    reused = api.post(f"/orgs/{team.org.id}/labels", json={"name": "Launch"}, headers=key())

    assert reused.status_code == 409
    assert reused.json["error"] == "conflict"


def test_different_users_may_use_the_same_key(app, team, api_as):
    url = f"/orgs/{team.org.id}/projects"
    mine = api_as(team.people["admin"]).post(url, json={"name": "Launch"}, headers=key())
    theirs = api_as(team.people["owner"]).post(url, json={"name": "Launch"}, headers=key())

    assert mine.status_code == theirs.status_code == 201
    assert mine.json["id"] != theirs.json["id"]
    assert "Idempotent-Replayed" not in theirs.headers
    assert count(app, Project, name="Launch") == 2


def test_a_key_older_than_24_hours_does_the_work_again(app, team, api_as):
    api = api_as(team.people["admin"])
    url = f"/orgs/{team.org.id}/projects"
    first = api.post(url, json={"name": "Launch"}, headers=key())
    age_keys(app, by=timedelta(hours=24, minutes=1))

    again = api.post(url, json={"name": "Launch"}, headers=key())

    assert again.status_code == 201
    assert again.json["id"] != first.json["id"]
    assert "Idempotent-Replayed" not in again.headers
    assert count(app, Project, name="Launch") == 2


def test_a_key_younger_than_24_hours_still_replays(app, team, api_as):
    api = api_as(team.people["admin"])
    url = f"/orgs/{team.org.id}/projects"
    first = api.post(url, json={"name": "Launch"}, headers=key())
    age_keys(app, by=timedelta(hours=23, minutes=59))

    retry = api.post(url, json={"name": "Launch"}, headers=key())

    assert retry.json["id"] == first.json["id"]


def claim_in_flight(app, user, url, body, *, started):
    """The row a first request with ``body`` holds while its view still runs."""
    with app.test_request_context(f"/api/v1{url}", method="POST", json=body):
        db.session.add(
            IdempotencyKey(
                user_id=user.id,
                key=key()["Idempotency-Key"],
                fingerprint=replay.fingerprint(),
                created_at=utcnow() - started,
            )
        )
        db.session.commit()


def test_a_retry_while_the_first_request_runs_is_409_and_runs_nothing(app, team, api_as):
    admin = team.people["admin"]
    url = f"/orgs/{team.org.id}/projects"
    claim_in_flight(app, admin, url, {"name": "L"}, started=timedelta(seconds=2))

    retry = api_as(admin).post(url, json={"name": "L"}, headers=key())

    assert retry.status_code == 409
    assert retry.json["error"] == "conflict"
    assert "still running" in retry.json["message"]
    assert count(app, Project, name="L") == 0


def test_a_claim_whose_request_died_long_ago_is_taken_over(app, team, api_as):
    admin = team.people["admin"]
    url = f"/orgs/{team.org.id}/projects"
    claim_in_flight(app, admin, url, {"name": "L"}, started=idempotency.STALE_CLAIM * 2)

    retry = api_as(admin).post(url, json={"name": "L"}, headers=key())

    assert retry.status_code == 201
    assert count(app, Project, name="L") == 1


def test_a_refusal_is_replayed_as_well(app, team, api_as):
    api = api_as(team.people["viewer"])
    url = f"/orgs/{team.org.id}/projects"

    first = api.post(url, json={"name": "Nope"}, headers=key())
    retry = api.post(url, json={"name": "Nope"}, headers=key())

    assert first.status_code == retry.status_code == 403
    assert retry.json == first.json
    assert retry.headers["Idempotent-Replayed"] == "true"


def test_a_server_error_gives_the_key_back(app, team, api_as, monkeypatch):
    api = api_as(team.people["admin"])
    url = f"/orgs/{team.org.id}/projects"
    create = projects.create_project
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(projects, "create_project", lambda **kwargs: 1 / 0)
    assert api.post(url, json={"name": "Launch"}, headers=key()).status_code == 500

    monkeypatch.setattr(projects, "create_project", create)
    retry = api.post(url, json={"name": "Launch"}, headers=key())

    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry.headers
    assert count(app, Project, name="Launch") == 1


def test_an_exception_that_escapes_the_request_gives_the_key_back(app, team, api_as, monkeypatch):
    # With exceptions propagated (debug, tests) no error response is built at all.
    api = api_as(team.people["admin"])
    url = f"/orgs/{team.org.id}/projects"
    create = projects.create_project
    monkeypatch.setattr(projects, "create_project", lambda **kwargs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        api.post(url, json={"name": "Launch"}, headers=key())

    monkeypatch.setattr(projects, "create_project", create)

    assert api.post(url, json={"name": "Launch"}, headers=key()).status_code == 201


def test_a_key_of_255_characters_is_accepted_and_256_is_400(app, team, api_as):
    api = api_as(team.people["admin"])
    url = f"/orgs/{team.org.id}/projects"

    accepted = api.post(url, json={"name": "Long"}, headers=key("k" * 255))
    refused = api.post(url, json={"name": "Longer"}, headers=key("k" * 256))

    assert accepted.status_code == 201
    assert refused.status_code == 400
    assert refused.json["error"] == "validation_error"
    assert "Idempotency-Key" in refused.json["details"]
    assert count(app, Project, name="Longer") == 0


def test_an_empty_key_is_400(team, api_as):
    api = api_as(team.people["admin"])
    refused = api.post(f"/orgs/{team.org.id}/projects", json={"name": "E"}, headers=key(""))
    assert (refused.status_code, refused.json["error"]) == (400, "validation_error")


def test_a_new_personal_tokens_secret_is_never_kept_for_replay(app, user, api_as):
    api = api_as(user)

    first = api.post("/tokens", json={"name": "CI"}, headers=key())
    again = api.post("/tokens", json={"name": "CI"}, headers=key())

    assert first.status_code == again.status_code == 201
    assert first.json["token"] != again.json["token"]
    assert count(app, PersonalToken, user_id=user.id) == 2
    assert count(app, IdempotencyKey) == 0


def test_token_pairs_are_never_kept_for_replay(app, client, user):
    credentials = {"email": user.email, "password": "a sturdy passphrase for tests"}

    first = client.post("/api/v1/auth/tokens", json=credentials, headers=key())
    again = client.post("/api/v1/auth/tokens", json=credentials, headers=key())

    assert first.status_code == again.status_code == 201
    assert first.json["refresh_token"] != again.json["refresh_token"]
    assert count(app, IdempotencyKey) == 0


def test_an_over_long_key_is_400_on_the_token_endpoint_too(client, user):
    credentials = {"email": user.email, "password": "a sturdy passphrase for tests"}
    refused = client.post("/api/v1/auth/tokens", json=credentials, headers=key("k" * 256))
    assert (refused.status_code, refused.json["error"]) == (400, "validation_error")


def test_a_get_ignores_the_key(team, api_as):
    api = api_as(team.people["admin"])
    assert api.get(f"/orgs/{team.org.id}/projects", headers=key("k" * 300)).status_code == 200


def upload_fingerprint(app, content, name="notes.txt"):
    data = {"file": (io.BytesIO(content), name), "note": "n"}
    with app.test_request_context("/api/v1/tasks/1/attachments", method="POST", data=data):
        return replay.fingerprint()


def test_uploads_are_fingerprinted_by_their_content(app):
    same = upload_fingerprint(app, b"hello")
    assert upload_fingerprint(app, b"hello") == same
    assert upload_fingerprint(app, b"hellO") != same
    assert upload_fingerprint(app, b"hello", name="other.txt") != same


def test_beats_hourly_sweep_purges_expired_keys_through_the_worker(
    committed_app, worker, make_user, api_as
):
    api = api_as(make_user())
    api.post("/orgs", json={"name": "Old"}, headers=key("old"))
    age_keys(committed_app, by=timedelta(hours=25))
    api.post("/orgs", json={"name": "New"}, headers=key("new"))
    celery = committed_app.extensions["celery"]
    entry = celery.conf.beat_schedule["purge-idempotency-keys"]

    celery.tasks[entry["task"]].delay()

    deadline = time.monotonic() + 30
    while count(committed_app, IdempotencyKey) > 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    with committed_app.app_context():
        assert db.session.scalars(select(IdempotencyKey.key)).all() == ["new"]
        assert db.session.get(ScheduleRun, "purge-idempotency-keys").last_result == "1 purged"
