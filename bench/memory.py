"""P8: a serving worker's RSS growth while a 200 MB attachment goes up and down (< 32 MB).

One definition of the measurement, used by ``make bench`` and asserted by
``tests/attachments/test_memory.py``: gunicorn with one sync worker serves the app;
after a warm-up (every import and pool a transfer needs), ``clear_refs`` resets the
kernel's high-water mark (VmHWM) to the current RSS, then a 200 MB file is streamed
up (multipart, 1 MB blocks, never held whole by the client) and downloaded again; the
mark afterwards is the peak of the transfers themselves.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg

MB = 1024 * 1024
SIZE = 200 * MB
BOUND = 32 * MB
BLOCK = 1 * MB
BOUNDARY = "tm-memory-boundary-0123456789"


def kib(pid: int, field: str) -> int:
    """A ``/proc/<pid>/status`` memory field (``VmRSS``, ``VmHWM``), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} for {pid}")


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(n) for n in path.read_text().split()]


def _blocks() -> Iterator[bytes]:
    seed = os.urandom(BLOCK)
    for number in range(SIZE // BLOCK):
        yield number.to_bytes(8, "big") + seed[8:]


def _answer(connection: http.client.HTTPConnection, status: int) -> dict[str, Any]:
    answer = connection.getresponse()
    body: dict[str, Any] = json.loads(answer.read())
    if answer.status != status:
        raise RuntimeError(f"upload answered {answer.status}: {body}")
    return body


def upload(port: int, token: str, task_id: int) -> tuple[dict[str, Any], str]:
    """Stream ``SIZE`` bytes up; the created attachment and the sha256 that was sent."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.putrequest("POST", f"/api/v1/tasks/{task_id}/attachments")
    connection.putheader("Authorization", f"Bearer {token}")
    connection.putheader("X-Forwarded-Proto", "https")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
    connection.putheader("Content-Length", str(len(head) + SIZE + len(tail)))
    connection.endheaders()
    digest = hashlib.sha256()
    connection.send(head)
    for block in _blocks():
        digest.update(block)
        connection.send(block)
    connection.send(tail)
    return _answer(connection, 201), digest.hexdigest()


def download(port: int, token: str, url: str) -> str:
    """The sha256 of what ``url`` streams back."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.request("GET", url, headers={"Authorization": f"Bearer {token}",
                                            "X-Forwarded-Proto": "https"})  # fmt: skip
    answer = connection.getresponse()
    if answer.status != 200:
        raise RuntimeError(f"download answered {answer.status}")
    digest = hashlib.sha256()
    while chunk := answer.read(256 * 1024):
        digest.update(chunk)
    return digest.hexdigest()


def warm_up(port: int, token: str, task_id: int) -> None:
    """A small upload and download: every import and pool a transfer needs, loaded."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="w.png"\r\n\r\n'
    payload = (
        body.encode() + b"\x89PNG\r\n\x1a\n" + b"\0" * 4096 + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    connection.request(
        "POST", f"/api/v1/tasks/{task_id}/attachments", body=payload,
        headers={"Authorization": f"Bearer {token}", "X-Forwarded-Proto": "https",
                 "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )  # fmt: skip
    download(port, token, _answer(connection, 201)["download_url"])


def transfer_growth(port: int, worker: int, token: str, task_id: int) -> dict[str, Any]:
    """Warm up, reset the worker's high-water mark, upload and download ``SIZE`` bytes.

    Returns the RSS before, the peak during the transfers, their difference
    (``growth``), the created attachment, and the sha256 sent and received.
    """
    warm_up(port, token, task_id)
    Path(f"/proc/{worker}/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    baseline = kib(worker, "VmRSS")
    created, sent = upload(port, token, task_id)
    received = download(port, token, created["download_url"])
    peak = kib(worker, "VmHWM")
    return {"baseline": baseline, "peak": peak, "growth": peak - baseline, "created": created,
            "sent_sha256": sent, "received_sha256": received}  # fmt: skip


def run(args: argparse.Namespace, redis_url: str) -> dict[str, Any]:
    from bench import data
    from bench import inprocess
    from bench.__main__ import product_environment
    from bench.serve import say
    from bench.serve import serving
    from taskmanager import create_app

    dataset = data.ensure(args.sizes[0], log=say)
    token = inprocess.access_token(create_app(inprocess.product_config(dataset, redis_url)),
                                   dataset)  # fmt: skip
    files = Path(tempfile.mkdtemp(prefix="bench-p8-"))
    env = {**product_environment(dataset, redis_url), "TASKMANAGER_ATTACHMENTS_ROOT": str(files),
           "TASKMANAGER_ATTACHMENTS_LARGEST_FILE_BYTES": str(300 * MB),
           "TASKMANAGER_ATTACHMENTS_STORAGE_BYTES": str(1024 * MB)}  # fmt: skip
    try:
        with serving("product-p8", "taskmanager.wsgi:app", "gunicorn", env, workers=1) as server:
            [worker] = children(server.process.pid)
            port = int(server.url.rsplit(":", 1)[1])
            say(f"P8: uploading and downloading {SIZE // MB} MB through one gunicorn worker")
            result = transfer_growth(port, worker, token, dataset.first_task_id)
    finally:
        shutil.rmtree(files, ignore_errors=True)
        with psycopg.connect(dataset.url, autocommit=True) as conn:
            conn.execute("DELETE FROM attachments")
    if result["sent_sha256"] != result["received_sha256"]:
        raise RuntimeError("P8: the downloaded file differs from the uploaded one")
    growth = result["growth"]
    say(f"  RSS {result['baseline'] / MB:.1f} MB -> peak {result['peak'] / MB:.1f} MB: "
        f"growth {growth / MB:.1f} MB")  # fmt: skip
    return {"size_mb": SIZE // MB, "bound_mb": BOUND // MB, "rss_mb": result["baseline"] / MB,
            "peak_mb": result["peak"] / MB, "growth_mb": growth / MB,
            "passed": growth < BOUND, "server": "gunicorn, 1 sync worker"}  # fmt: skip
