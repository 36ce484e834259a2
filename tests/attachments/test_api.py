"""Attachments through the API: upload, list, download, delete, limits, roles, tenancy."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from typing import Any

from flask import Flask

from taskmanager import tenancy
from taskmanager.attachments import jobs
from taskmanager.attachments.models import Attachment
from taskmanager.billing.plans import MB
from taskmanager.extensions import db
from tests.attachments.conftest import multipart
from tests.attachments.conftest import png


def test_member_uploads_and_the_api_describes_the_file(
    team: Any, api_as: Any, local_storage: Any
) -> None:
    picture = png(4, 3)
    answer = api_as(team.people["member"]).upload(team.task.id, "../../holiday.png", picture)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert answer.headers["Location"] == f"/api/v1/attachments/{body['id']}"
    assert body["filename"] == "holiday.png"
    assert body["content_type"] == "image/png"  # sniffed; the part said text/html
    assert body["size"] == len(picture)
    assert body["sha256"] == hashlib.sha256(picture).hexdigest()
    assert (body["width"], body["height"]) == (4, 3)
    assert body["previewable"] is True
    assert body["uploader"]["name"] == "Member Person"
    assert [stored.key.split("/")[0] for stored in local_storage.list()] == [str(team.org.id)]


def test_list_download_and_counts(team: Any, api_as: Any, local_storage: Any) -> None:
    api = api_as(team.people["member"])
    first = api.upload(team.task.id, "notes.txt", b"plain words\n").get_json()
    api.upload(team.task.id, "photo.png", png())
    listed = api.get(f"/tasks/{team.task.id}/attachments").get_json()
    assert [item["filename"] for item in listed["items"]] == ["notes.txt", "photo.png"]
    assert listed["total"] == 2
    assert api.get(f"/tasks/{team.task.id}").get_json()["attachment_count"] == 2
    tasks = api.get(f"/tasks?project_id={team.project.id}").get_json()["items"]
    assert {t["id"]: t["attachment_count"] for t in tasks}[team.task.id] == 2

    download = api.client.get(first["download_url"], headers=api.headers)
    assert download.status_code == 200
    assert download.data == b"plain words\n"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''notes.txt" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]


def test_download_on_s3_redirects_to_a_presigned_url(
    team: Any, api_as: Any, any_storage: Any
) -> None:
    api = api_as(team.people["member"])
    created = api.upload(team.task.id, "report.pdf", b"%PDF-1.4\n%%EOF\n").get_json()
    answer = api.client.get(created["download_url"], headers=api.headers)
    if any_storage.__class__.__name__ == "S3Storage":
        assert answer.status_code == 302
        assert "X-Amz-Signature=" in answer.headers["Location"]
        assert "response-content-disposition=attachment" in answer.headers["Location"]
    else:
        assert answer.status_code == 200
        assert answer.data == b"%PDF-1.4\n%%EOF\n"


def test_uploader_deletes_and_the_stored_object_goes_after_commit(
    app: Flask, team: Any, api_as: Any, local_storage: Any, enqueued: list[Any]
) -> None:
    api = api_as(team.people["member"])
    created = api.upload(team.task.id, "a.txt", b"a").get_json()
    assert api.delete(f"/attachments/{created['id']}").status_code == 204
    assert api.get(f"/attachments/{created['id']}").status_code == 404
    [(_, kwargs)] = [job for job in enqueued if job[0].endswith("delete_stored_objects")]
    assert len(list(local_storage.list())) == 1  # still there until the job runs
    with app.app_context():
        jobs.delete_stored_objects(**kwargs)
    assert list(local_storage.list()) == []


def test_deleting_the_task_deletes_its_files(
    app: Flask, team: Any, api_as: Any, local_storage: Any, enqueued: list[Any]
) -> None:
    api = api_as(team.people["owner"])
    api.upload(team.task.id, "a.txt", b"a")
    api.upload(team.task.id, "b.txt", b"b")
    assert api.delete(f"/tasks/{team.task.id}").status_code == 204
    [(_, kwargs)] = [job for job in enqueued if job[0].endswith("delete_stored_objects")]
    assert len(kwargs["keys"]) == 2
    with app.app_context():
        jobs.delete_stored_objects(**kwargs)
    assert list(local_storage.list()) == []


def test_viewer_cannot_upload_or_delete(team: Any, api_as: Any, local_storage: Any) -> None:
    created = api_as(team.people["member"]).upload(team.task.id, "a.txt", b"a").get_json()
    viewer = api_as(team.people["viewer"])
    refused = viewer.upload(team.task.id, "b.txt", b"b")
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "forbidden"
    assert viewer.delete(f"/attachments/{created['id']}").status_code == 403
    assert viewer.get(f"/attachments/{created['id']}").status_code == 200  # but may read
    assert len(list(local_storage.list())) == 1


def test_only_the_uploader_or_an_admin_deletes(
    app: Flask, team: Any, api_as: Any, local_storage: Any, make_user: Any
) -> None:
    created = api_as(team.people["member"]).upload(team.task.id, "a.txt", b"a").get_json()
    from tests.factories import add_member

    second_member = make_user(name="Second Member")
    add_member(app, team.org, second_member, "member")
    refused = api_as(second_member).delete(f"/attachments/{created['id']}")
    assert refused.status_code == 403
    assert "uploaded" in refused.get_json()["message"]
    admin = api_as(team.people["admin"])
    assert admin.delete(f"/attachments/{created['id']}").status_code == 204


def test_another_organizations_ids_are_404_for_every_operation(
    app: Flask, team: Any, stranger: Any, api_as: Any, local_storage: Any
) -> None:
    theirs = api_as(stranger.owner).upload(stranger.task.id, "secret.txt", b"s").get_json()
    me = api_as(team.people["owner"])
    assert me.upload(stranger.task.id, "x.txt", b"x").status_code == 404
    assert me.get(f"/tasks/{stranger.task.id}/attachments").status_code == 404
    assert me.get(f"/attachments/{theirs['id']}").status_code == 404
    assert me.delete(f"/attachments/{theirs['id']}").status_code == 404
    assert len(list(local_storage.list())) == 1


def test_a_declared_length_over_the_plan_is_refused_before_reading(
    team: Any, api_as: Any, local_storage: Any
) -> None:
    api = api_as(team.people["member"])
    body, content_type = multipart([("file", "big.bin", b"x" * 100)])
    answer = api.client.post(
        f"/api/v1/tasks/{team.task.id}/attachments",
        input_stream=io.BytesIO(body),
        content_type=content_type,
        environ_overrides={"CONTENT_LENGTH": str(11 * MB)},
        headers=api.headers,
    )
    assert answer.status_code == 413
    assert answer.get_json()["error"] == "payload_too_large"
    assert answer.get_json()["details"]["limit"] == "largest_file_bytes"
    assert list(local_storage.list()) == []


def _chunked(body: bytes) -> Iterator[bytes]:
    for start in range(0, len(body), 256 * 1024):
        yield body[start : start + 256 * 1024]


class _Stream(io.RawIOBase):
    """A request body without Content-Length, as a chunked upload arrives."""

    def __init__(self, body: bytes) -> None:
        self.parts = _chunked(body)
        self.rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self.rest:
            self.rest = next(self.parts, b"")
        size = min(len(buffer), len(self.rest))
        buffer[:size] = self.rest[:size]
        self.rest = self.rest[size:]
        return size


def post_chunked(api: Any, task_id: int, filename: str, data: bytes) -> Any:
    body, content_type = multipart([("file", filename, data)])
    return api.client.post(
        f"/api/v1/tasks/{task_id}/attachments",
        headers=api.headers,
        # The server hands over the body as it arrives, ended by the last chunk.
        environ_overrides={
            "CONTENT_TYPE": content_type,
            "wsgi.input": io.BufferedReader(_Stream(body)),
            "wsgi.input_terminated": True,
        },
    )


def test_a_stream_without_length_is_cut_at_the_limit(
    team: Any, api_as: Any, local_storage: Any
) -> None:
    api = api_as(team.people["member"])
    answer = post_chunked(api, team.task.id, "endless.bin", b"\0" * (10 * MB + 1))
    assert answer.status_code == 413, answer.get_json()
    assert answer.get_json()["error"] == "payload_too_large"
    assert list(local_storage.list()) == []
    assert api.get(f"/tasks/{team.task.id}").get_json()["attachment_count"] == 0


def test_a_full_organization_storage_is_402_naming_the_limit(
    app: Flask, team: Any, api_as: Any, local_storage: Any
) -> None:
    with app.app_context(), tenancy.system():
        db.session.add(
            Attachment(
                organization_id=team.org.id, task_id=team.task.id, filename="old.bin",
                storage_key=f"{team.org.id}/{'0' * 32}", content_type="application/octet-stream",
                size=100 * MB - 10, sha256="0" * 64,
            )
        )  # fmt: skip
        db.session.commit()
    api = api_as(team.people["member"])
    answer = post_chunked(api, team.task.id, "eleven.bin", b"x" * 11)
    assert answer.status_code == 402
    assert answer.get_json()["error"] == "plan_limit_reached"
    assert answer.get_json()["details"]["limit"] == "storage_bytes"
    assert list(local_storage.list()) == []


def test_an_upload_without_a_file_part_says_how_to_send_one(
    team: Any, api_as: Any, local_storage: Any
) -> None:
    api = api_as(team.people["member"])
    body, content_type = multipart([], fields={"note": "no file"})
    answer = api.client.post(
        f"/api/v1/tasks/{team.task.id}/attachments",
        data=body,
        content_type=content_type,
        headers=api.headers,
    )
    assert answer.status_code == 400
    assert "part named 'file'" in answer.get_json()["message"]
    json_body = api.client.post(
        f"/api/v1/tasks/{team.task.id}/attachments", json={"file": "x"}, headers=api.headers
    )
    assert json_body.status_code == 415


def test_behind_nginx_local_downloads_are_handed_over_with_x_accel_redirect(
    app: Flask, team: Any, api_as: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    from taskmanager.attachments.storage import LocalStorage

    storage = LocalStorage(str(tmp_path), accel_prefix="/_protected/attachments/")
    monkeypatch.setitem(app.extensions, "taskmanager.attachments", storage)
    api = api_as(team.people["member"])
    created = api.upload(team.task.id, "notes.txt", b"words\n").get_json()
    answer = api.client.get(created["download_url"], headers=api.headers)
    [key] = [stored.key for stored in storage.list()]
    assert answer.headers["X-Accel-Redirect"] == f"/_protected/attachments/{key}"
    assert answer.data == b""
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_any_part_besides_the_file_is_refused_and_nothing_is_kept(
    team: Any, api_as: Any, local_storage: Any
) -> None:
    api = api_as(team.people["member"])
    url = f"/api/v1/tasks/{team.task.id}/attachments"
    body, content_type = multipart([("file", "a.png", png()), ("other", "b.txt", b"b")])
    answer = api.client.post(url, data=body, content_type=content_type, headers=api.headers)
    assert answer.status_code == 400
    assert "only the part named 'file'" in answer.get_json()["message"]
    before, content_type = multipart([("file", "a.png", png())], fields={"extra": "42"})
    answer = api.client.post(url, data=before, content_type=content_type, headers=api.headers)
    assert answer.status_code == 400
    two, content_type = multipart([("file", "a.png", png()), ("file", "b.png", png())])
    answer = api.client.post(url, data=two, content_type=content_type, headers=api.headers)
    assert answer.status_code == 400
    assert list(local_storage.list()) == []
    assert api.get(f"/tasks/{team.task.id}").get_json()["attachment_count"] == 0
