"""Child processes for the stack: started in their own session, logged, stopped in order.

Each child runs in a session of its own, so the Ctrl-C a terminal sends to the
foreground group reaches only the supervisor, which then stops the children one by
one, in the order that loses nothing (nginx last in, first out; servers drain).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import IO


def free_port() -> int:
    """A port nothing listens on right now (the kernel's pick)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Process:
    """One child: its output goes to ``log`` and, with ``echo``, to stdout, prefixed."""

    def __init__(
        self,
        name: str,
        command: Sequence[str],
        *,
        env: Mapping[str, str],
        log: Path,
        cwd: Path,
        echo: bool = False,
    ) -> None:
        self.name = name
        self.command = list(command)
        self.env = dict(env)
        self.log = log
        self.cwd = cwd
        self.echo = echo
        self.popen: subprocess.Popen[bytes] | None = None
        self._pump: threading.Thread | None = None

    def start(self) -> Process:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.popen = subprocess.Popen(
            self.command,
            env=self.env,
            cwd=self.cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        assert self.popen.stdout is not None
        self._pump = threading.Thread(
            target=self._copy, args=(self.popen.stdout,), name=f"log-{self.name}", daemon=True
        )
        self._pump.start()
        return self

    def _copy(self, stream: IO[bytes]) -> None:
        prefix = f"{self.name:>9} | ".encode()
        with self.log.open("ab") as log:
            for line in iter(stream.readline, b""):
                log.write(line)
                log.flush()
                if self.echo:
                    sys.stdout.buffer.write(prefix + line)
                    sys.stdout.flush()

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def send(self, signum: int) -> None:
        if self.running():
            assert self.popen is not None
            with contextlib.suppress(ProcessLookupError):
                self.popen.send_signal(signum)

    def wait(self, timeout: float) -> int | None:
        if self.popen is None:
            return None
        try:
            code = self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        if self._pump is not None:
            self._pump.join(timeout=5)
        return code

    def stop(self, timeout: float = 40.0, signum: int = signal.SIGTERM) -> None:
        """``signum``, then SIGKILL to the whole session if it outlives ``timeout``."""
        if not self.running():
            self.wait(1)
            return
        self.send(signum)
        if self.wait(timeout) is None:
            self.kill()

    def kill(self) -> None:
        """SIGKILL the child and everything it started, as a crashed host would."""
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.wait(10)


def wait_for_http(url: str, process: Process, timeout: float = 90.0) -> None:
    """Until ``url`` answers 200; fails early, with the log's tail, if the child died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.running():
            raise RuntimeError(f"{process.name} exited while starting:\n{tail(process.log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(
        f"{process.name} did not answer {url} within {timeout:.0f}s:\n{tail(process.log)}"
    )


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no output)"
