"""Each app for real: ``python -m foundations.<app>`` in a subprocess, over loopback."""

from __future__ import annotations

import base64
import http.client
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from foundations.middleware import ERROR_PAGE
from foundations.tests.apps import APPS

REPOSITORY = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(
    module: str, *options: str, log: Path, env: dict[str, str] | None = None
) -> Iterator[int]:
    """Start ``python -m foundations.<module>``, yield its port once it says it serves.

    The server's stderr, where the access log goes, is written to ``log``.
    """
    port = free_port()
    stderr = log.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", f"foundations.{module}", "--port", str(port), *options],
        cwd=REPOSITORY,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    watchdog = threading.Timer(30, process.kill)  # a server that never starts fails, not hangs
    watchdog.start()
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == f"Serving on http://localhost:{port}\n"
        yield port
    finally:
        watchdog.cancel()
        process.terminate()
        process.wait(timeout=10)
        assert process.stdout is not None
        process.stdout.close()
        stderr.close()


def request(
    port: int,
    method: str,
    url: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, url, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8")
    finally:
        connection.close()


def raw_request(port: int, data: bytes) -> bytes:
    """Send bytes as they are, for requests http.client refuses to build."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(data)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


@pytest.mark.parametrize("module", list(APPS))
def test_app_serves_over_http(module: str, tmp_path: Path) -> None:
    with serving(module, log=tmp_path / "stderr.log") as port:
        status, headers, page = request(port, "GET", "/")
        assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
        assert "<h1>Welcome" in page
        assert "<h1>Hello, &lt;b&gt;!</h1>" in request(port, "GET", "/hello/%3Cb%3E")[2]
        assert "<h1>Hello, Bob!</h1>" in request(port, "GET", "/greet?name=Bob")[2]
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        submitted = request(port, "POST", "/submit", b"message=Hi+there", form)
        assert "<h1>You submitted: Hi there</h1>" in submitted[2]
        status, headers, _ = request(port, "GET", "/submit")
        assert status == 405
        assert "POST" in headers["Allow"]
        assert request(port, "GET", "/nope")[0] == 404
        bad_length = raw_request(
            port,
            b"POST /submit HTTP/1.0\r\nHost: localhost\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: lots\r\n\r\nmessage=Hi",
        )
        assert bad_length.startswith(b"HTTP/1.0 400 ")


@pytest.mark.parametrize("module", list(APPS))
def test_app_serves_with_the_middleware_chain(module: str, tmp_path: Path) -> None:
    credentials = {"FOUNDATIONS_USER": "tester", "FOUNDATIONS_PASSWORD": "s3cret"}
    log = tmp_path / "stderr.log"
    with serving(module, "--with-middleware", env=credentials, log=log) as port:
        status, headers, _ = request(port, "GET", "/hello/Alice", None, {"X-Request-ID": "live-1"})
        assert (status, headers["X-Request-ID"]) == (200, "live-1")
        assert headers["Server-Timing"].startswith("app;dur=")

        status, headers, _ = request(port, "GET", "/secret")
        assert status == 401
        assert headers["WWW-Authenticate"].startswith("Basic ")
        token = base64.b64encode(b"tester:s3cret").decode("ascii")
        status, _, page = request(port, "GET", "/secret", None, {"Authorization": f"Basic {token}"})
        assert status == 200
        assert "Signed in as tester." in page

        assert request(port, "GET", "/error")[::2] == (500, ERROR_PAGE)

    access_log = log.read_text()
    assert re.search(r"^\[[\d :-]{19}\] GET /hello/Alice 200 OK \(\d+\.\dms\)$", access_log, re.M)
    assert re.search(r"^\[.{19}\] GET /secret 401 Unauthorized ", access_log, re.M)
    assert "Traceback" in access_log  # the error's traceback is logged, not sent
