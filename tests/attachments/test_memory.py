"""P8: the serving process's memory stays flat while a 200 MB file goes up and down.

The app runs in gunicorn (one sync worker), a real server in its own process, on a
socket this test opened on a free loopback port. The measurement is
``bench.memory.transfer_growth``, the one ``make bench`` reports for P8: the worker's
peak RSS is read from /proc after ``clear_refs`` reset its high-water mark (VmHWM)
following a warm-up, so the mark after the transfers is their own peak.
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from bench.memory import BOUND
from bench.memory import MB
from bench.memory import SIZE
from bench.memory import children
from bench.memory import transfer_growth
from tests.conftest import BROKER_URL
from tests.conftest import DATABASE_URL
from tests.conftest import REDIS_URL
from tests.factories import PASSWORD
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task
from tests.factories import make_user
from tests.support.worker_process import worker_environment


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
                if connection.getresponse().status == 200 and children(server.pid):
                    break
            except OSError:
                pass
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not answer /livez within 60 s"
            time.sleep(0.2)
        [worker] = children(server.pid)
        yield port, worker
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


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

    result = transfer_growth(port, worker, token, task.id)
    assert result["created"]["size"] == SIZE
    assert result["received_sha256"] == result["sent_sha256"] == result["created"]["sha256"]
    growth = result["growth"]
    print(f"P8: worker RSS {result['baseline'] / MB:.1f} MB -> peak {result['peak'] / MB:.1f} MB, "
          f"growth {growth / MB:.1f} MB for a {SIZE // MB} MB upload and download")  # fmt: skip
    assert growth < BOUND
