"""A throwaway ``redis-server`` on a free loopback port, to stop and start at will.

Fault tests take Redis away; they must never take away the shared one on 6379 that
other test runs use. This one keeps nothing on disk, so stopping it loses whatever
it held, as a crashed Redis without persistence would.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.support.smtp import free_port

START_TIMEOUT_SECONDS = 10.0


class RedisServer:
    """``start()``, ``stop()`` and ``start()`` again: always the same port."""

    def __init__(self, log_path: Path) -> None:
        self.port = free_port()
        self._log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0) -> Redis:
        return Redis(host="127.0.0.1", port=self.port, db=db, socket_timeout=5)

    def start(self) -> RedisServer:
        command = [
            "redis-server",
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
        ]  # fmt: skip
        with self._log_path.open("ab") as log:
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                Redis(host="127.0.0.1", port=self.port, socket_timeout=1).ping()
                return self
            except RedisConnectionError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"redis-server on port {self.port} did not start; see {self._log_path}"
                    ) from None
                time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server and wait until it is gone (killed if it lingers)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
