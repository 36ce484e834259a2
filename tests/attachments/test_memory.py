"""P8: the serving process's memory stays flat while a 200 MB file goes up and down.

The app runs in gunicorn (one sync worker), a real server in its own process, on a
socket this test opened on a free loopback port. The worker's peak RSS is read from
/proc: ``clear_refs`` resets the kernel's high-water mark (VmHWM) after a warm-up,
so the mark after the transfers is the peak of the transfers themselves.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import BROKER_URL
from tests.conftest import DATABASE_URL
from tests.conftest import REDIS_URL
from tests.factories import PASSWORD
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task
from tests.factories import make_user
from tests.support.worker_process import worker_environment

MB = 1024 * 1024
SIZE = 200 * MB
BOUND = 32 * MB
BLOCK = 1 * MB
BOUNDARY = "tm-memory-boundary-0123456789"


def _kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} for {pid}")


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(n) for n in path.read_text().split()]


@pytest.fixture
def gunicorn(committed_app: Flask, tmp_path: Path) -> Iterator[tuple[int, int]]:
    """(port, worker pid) of gunicorn serving the app with plan limits lifted past 200 MB."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    env = worker_environment(
        {
            "DATABASE_URL": DATABASE_URL,
            "BROKER_URL": BROKER_URL,
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "INSTANCE_PATH": tmp_path / "instance",
            "ATTACHMENTS_ROOT": tmp_path / "files",
            "ATTACHMENTS_LARGEST_FILE_BYTES": 300 * MB,
            "ATTACHMENTS_STORAGE_BYTES": 1024 * MB,
            "MAIL_BACKEND": "outbox",
        }
    )
    command = [
        sys.executable, "-m", "gunicorn", "--workers", "1", "--worker-class", "sync",
        "--timeout", "300", "--bind", f"fd://{listener.fileno()}", "taskmanager.wsgi:app",
    ]  # fmt: skip
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        command, env=env, pass_fds=[listener.fileno()], stdout=log, stderr=subprocess.STDOUT
    )
    listener.close()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("GET", "/livez")
                if connection.getresponse().status == 200 and _children(server.pid):
                    break
            except OSError:
                pass
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not answer /livez within 60 s"
            time.sleep(0.2)
        [worker] = _children(server.pid)
        yield port, worker
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _blocks() -> Iterator[bytes]:
    seed = os.urandom(BLOCK)
    for number in range(SIZE // BLOCK):
        yield number.to_bytes(8, "big") + seed[8:]


def _upload(port: int, token: str, task_id: int) -> dict[str, Any]:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.putrequest("POST", f"/api/v1/tasks/{task_id}/attachments")
    connection.putheader("Authorization", f"Bearer {token}")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
    connection.putheader("Content-Length", str(len(head) + SIZE + len(tail)))
    connection.endheaders()
    digest = hashlib.sha256()
    connection.send(head)
    for block in _blocks():
        digest.update(block)
        connection.send(block)
    connection.send(tail)
    answer = connection.getresponse()
    body: dict[str, Any] = json.loads(answer.read())
    assert answer.status == 201, body
    assert body["sha256"] == digest.hexdigest()
    return body


def _download(port: int, token: str, url: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.request("GET", url, headers={"Authorization": f"Bearer {token}"})
    answer = connection.getresponse()
    assert answer.status == 200
    digest = hashlib.sha256()
    while chunk := answer.read(256 * 1024):
        digest.update(chunk)
    return digest.hexdigest()


def test_rss_grows_less_than_32_mb_for_a_200_mb_upload_and_download(
    committed_app: Flask, gunicorn: tuple[int, int]
) -> None:
    port, worker = gunicorn
    owner = make_user(committed_app)
    org = make_org(committed_app, owner)
    task = make_task(committed_app, make_project(committed_app, org), owner)
    client = committed_app.test_client()
    tokens = client.post("/api/v1/auth/tokens", json={"email": owner.email, "password": PASSWORD})
    token = tokens.get_json()["access_token"]

    # Warm-up: every import and pool a request needs, so only the transfer is measured.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="w.png"\r\n\r\n'
    payload = (
        body.encode() + b"\x89PNG\r\n\x1a\n" + b"\0" * 4096 + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    connection.request(
        "POST", f"/api/v1/tasks/{task.id}/attachments", body=payload,
        headers={"Authorization": f"Bearer {token}",
                 "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )  # fmt: skip
    warm = json.loads(connection.getresponse().read())
    _download(port, token, warm["download_url"])

    Path(f"/proc/{worker}/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    baseline = _kib(worker, "VmRSS")
    created = _upload(port, token, task.id)
    assert created["size"] == SIZE
    assert _download(port, token, created["download_url"]) == created["sha256"]
    peak = _kib(worker, "VmHWM")
    growth = peak - baseline
    print(f"P8: worker RSS {baseline / MB:.1f} MB -> peak {peak / MB:.1f} MB, "
          f"growth {growth / MB:.1f} MB for a {SIZE // MB} MB upload and download")  # fmt: skip
    assert growth < BOUND
