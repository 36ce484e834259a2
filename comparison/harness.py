"""Start one blog through the launcher on a free loopback port, and stop it again.

Used by the black-box tests and by the benchmark alike.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT = 90.0  # seconds: migrations plus two workers booting on a busy box
STOP_TIMEOUT = 20.0


@dataclass(frozen=True)
class Server:
    name: str
    base_url: str
    log: Path
    pid: int  # the server's master process (the launcher execs into it)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _stop(process: subprocess.Popen[bytes]) -> None:
    # The launcher execs the server in a session of its own: signal that group only.
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT)


@contextlib.contextmanager
def running_server(
    name: str,
    workdir: Path,
    *,
    env: dict[str, str],
    workers: int = 2,
    database_url: str | None = None,
    server: str | None = None,
) -> Iterator[Server]:
    """``python -m comparison serve NAME``, healthy on entry, stopped on exit.

    The database defaults to a fresh SQLite file in ``workdir``; ``server`` to the
    app's idiomatic one.
    """
    port = free_port()
    log = workdir / f"{name}-{server or 'default'}.log"
    command = [
        sys.executable, "-m", "comparison", "serve", name,
        "--port", str(port),
        "--workers", str(workers),
        "--database-url", database_url or f"sqlite:///{workdir / 'blog.sqlite3'}",
        *(["--server", server] if server else []),
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 (our own argv, no shell)
            command,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Server(name=name, base_url=f"http://127.0.0.1:{port}", log=log, pid=process.pid)
    try:
        _wait_until_healthy(process, running)
        yield running
    finally:
        _stop(process)


def _wait_until_healthy(process: subprocess.Popen[bytes], server: Server) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"The {server.name} server exited with {process.returncode} before answering "
                f"/api/v1/health. Its log ({server.log}):\n{_tail(server.log)}"
            )
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{server.base_url}/api/v1/health", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    _stop(process)
    raise RuntimeError(
        f"The {server.name} server did not answer /api/v1/health within {STARTUP_TIMEOUT:.0f} s. "
        f"Its log ({server.log}):\n{_tail(server.log)}"
    )
