"""Stored files follow their rows: deletions queue a job after commit; beat sweeps orphans."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from flask import Flask

from taskmanager.attachments import jobs
from taskmanager.attachments.storage import new_key
from taskmanager.extensions import db
from taskmanager.schedule import ScheduleRun


def _doomed(enqueued: list[Any]) -> list[str]:
    return [
        key for name, kw in enqueued if name.endswith("delete_stored_objects") for key in kw["keys"]
    ]


def test_deleting_a_project_queues_its_tasks_files(
    app: Flask, team: Any, api_as: Any, local_storage: Any, enqueued: list[Any]
) -> None:
    api = api_as(team.people["owner"])
    created = api.upload(team.task.id, "a.txt", b"words\n").get_json()
    assert created["id"]
    assert (
        api.client.delete(
            f"/api/v1/projects/{team.project.id}",
            headers=api.headers,
            json={"confirm": team.project.name},
        ).status_code
        == 204
    )
    assert len(_doomed(enqueued)) == 1


def test_deleting_the_organization_queues_all_its_files(
    app: Flask, team: Any, api_as: Any, local_storage: Any, enqueued: list[Any]
) -> None:
    api = api_as(team.people["owner"])
    api.upload(team.task.id, "a.txt", b"words\n")
    api.upload(team.task.id, "b.txt", b"more words\n")
    answer = api.client.delete(
        f"/api/v1/orgs/{team.org.id}", json={"confirm": team.org.slug}, headers=api.headers
    )
    assert answer.status_code == 204
    assert len(_doomed(enqueued)) == 2


def test_a_rolled_back_deletion_queues_nothing(
    app: Flask, team: Any, api_as: Any, local_storage: Any, enqueued: list[Any]
) -> None:
    api = api_as(team.people["member"])
    created = api.upload(team.task.id, "a.txt", b"words\n").get_json()
    stale = api.client.delete(
        f"/api/v1/tasks/{team.task.id}", headers={**api.headers, "If-Match": '"999"'}
    )
    assert stale.status_code in (403, 412)
    assert _doomed(enqueued) == []
    assert api.get(f"/attachments/{created['id']}").status_code == 200


def _age(root: Path, key: str, hours: float) -> None:
    past = time.time() - hours * 3600
    for path in (root / key, root / (key + ".part")):
        if path.exists():
            os.utime(path, (past, past))


def test_the_sweep_removes_old_orphans_only_and_reports_missing_files(
    app: Flask, team: Any, api_as: Any, local_storage: Any
) -> None:
    root = Path(local_storage.root)
    api = api_as(team.people["member"])
    kept = api.upload(team.task.id, "kept.txt", b"kept\n").get_json()
    lost = api.upload(team.task.id, "lost.txt", b"lost\n").get_json()
    keys = {stored.key for stored in local_storage.list()}
    orphan, young, partial = new_key(team.org.id), new_key(team.org.id), new_key(team.org.id)
    local_storage.save(orphan, [b"no row"])
    local_storage.save(young, [b"an upload still running"])
    (root / (partial + ".part")).write_bytes(b"a write that never finished")
    for key in (*keys, orphan, partial):
        _age(root, key, hours=7)
    # One row loses its file (someone cleaned the disk by hand).
    with app.app_context():
        from taskmanager import tenancy
        from taskmanager.attachments.models import Attachment

        with tenancy.system():
            lost_key = db.session.get(Attachment, lost["id"]).storage_key
    local_storage.delete(lost_key)

    with app.app_context():
        result = jobs.sweep_orphans()
        run = db.session.get(ScheduleRun, jobs.SWEEP)
        assert run is not None and run.last_result == result
    assert result == "2 orphan(s) removed, 1 row(s) without object"
    remaining = {stored.key for stored in local_storage.list()}
    assert orphan not in remaining and partial not in remaining
    assert young in remaining
    assert api.client.get(kept["download_url"], headers=api.headers).data == b"kept\n"


def test_a_real_worker_deletes_the_file_after_the_task_is_deleted(
    committed_app: Flask, worker: Any, make_user: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from taskmanager.attachments.storage import LocalStorage
    from tests.attachments.conftest import Uploader
    from tests.factories import make_org
    from tests.factories import make_project
    from tests.factories import make_task
    from tests.support.waiting import wait_until

    storage = LocalStorage(str(tmp_path / "files"))
    monkeypatch.setitem(committed_app.extensions, "taskmanager.attachments", storage)
    owner = make_user()
    org = make_org(committed_app, owner)
    task = make_task(committed_app, make_project(committed_app, org), owner)
    api = Uploader(committed_app, owner)
    assert api.upload(task.id, "a.txt", b"words\n").status_code == 201
    assert len(list(storage.list())) == 1
    assert api.delete(f"/tasks/{task.id}").status_code == 204
    wait_until(lambda: not list(storage.list()), timeout=20, what="the worker deleted the file")
