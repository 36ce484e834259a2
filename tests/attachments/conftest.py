"""Attachment fixtures: storage on a fresh local root or a fresh bucket, upload helpers."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from taskmanager.attachments import storage as storage_module
from tests.support.s3 import S3Server


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    with S3Server() as server:
        yield server


@pytest.fixture
def local_storage(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The app's storage for this test: local disk under a fresh root."""
    root = tmp_path / "attachments"
    found = storage_module.storage_for({"STORAGE": "local", "ATTACHMENTS_ROOT": str(root)})
    monkeypatch.setitem(app.extensions, "taskmanager.attachments", found)
    return found


@pytest.fixture(params=["local", "s3"])
def any_storage(
    request: pytest.FixtureRequest, app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Any:
    """The app's storage for this test, once on local disk and once on S3 (moto)."""
    if request.param == "local":
        config: dict[str, Any] = {"STORAGE": "local", "ATTACHMENTS_ROOT": str(tmp_path / "files")}
    else:
        server: S3Server = request.getfixturevalue("s3_server")
        config = server.config(server.new_bucket())
    found = storage_module.storage_for(config)
    monkeypatch.setitem(app.extensions, "taskmanager.attachments", found)
    return found


def png(width: int = 4, height: int = 3) -> bytes:
    """A valid PNG of ``width`` x ``height`` (any size: the pixels compress to nothing)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    if width * height <= 10_000:
        raw = b"".join(b"\x00" + b"\x30\x90\xe0" * width for _ in range(height))
        pixels = zlib.compress(raw)
    else:
        pixels = zlib.compress(b"\x00" * 1024)  # a header claiming a huge picture
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def multipart(
    files: list[tuple[str, str, bytes]], fields: dict[str, str] | None = None
) -> tuple[bytes, str]:
    """A multipart body built by hand (names are sent exactly as given), and its type."""
    boundary = "----tmtestboundary7MA4YWxkTrZu0gW"
    out = io.BytesIO()
    for name, value in (fields or {}).items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value.encode() + b"\r\n")
    for field, filename, data in files:
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: text/html\r\n\r\n'.encode()
        )
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


class Uploader:
    """An API client of one user: bearer token, multipart uploads built by hand."""

    def __init__(self, app: Flask, user: Any) -> None:
        from tests.factories import PASSWORD

        self.client = app.test_client()
        answer = self.client.post(
            "/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD}
        )
        assert answer.status_code == 201, answer.get_json()
        self.headers = {"Authorization": f"Bearer {answer.get_json()['access_token']}"}

    def upload(self, task_id: int, filename: str, data: bytes, **kwargs: Any) -> Any:
        body, content_type = multipart([("file", filename, data)])
        return self.client.post(
            f"/api/v1/tasks/{task_id}/attachments",
            data=body,
            content_type=content_type,
            headers=self.headers,
            **kwargs,
        )

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1{path}", headers=self.headers)

    def delete(self, path: str) -> Any:
        return self.client.delete(f"/api/v1{path}", headers=self.headers)


@pytest.fixture
def api_as(app: Flask) -> Any:
    return lambda user: Uploader(app, user)


@pytest.fixture
def stranger(app: Flask, make_user: Any) -> Any:
    """Another organization with its own task and one attachment on it."""
    from types import SimpleNamespace

    from tests.factories import make_org
    from tests.factories import make_project
    from tests.factories import make_task

    owner = make_user(name="Bea Other")
    org = make_org(app, owner, name="Beta")
    task = make_task(app, make_project(app, org, name="Secret"), owner, title="Secret task")
    return SimpleNamespace(org=org, owner=owner, task=task)
