"""A real Celery worker in its own process group, to be killed the way a host kills it.

``celery -A taskmanager.worker worker`` builds its app from ``TASKMANAGER_*``
variables exactly as in production; the test hands it the lane's database, a broker
and the loopback SMTP server through those variables only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Mapping
from pathlib import Path

STOP_TIMEOUT_SECONDS = 15.0


def worker_environment(settings: Mapping[str, object]) -> dict[str, str]:
    """This process's environment without its ``TASKMANAGER_*``, plus ``settings``.

    ``settings`` are config keys (``"BROKER_URL"``), passed as ``TASKMANAGER_<key>``.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKMANAGER_")}
    env.update({f"TASKMANAGER_{key}": str(value) for key, value in settings.items()})
    return env


class WorkerProcess:
    """Start, SIGKILL and restart a prefork worker; every start appends to one log."""

    def __init__(self, env: Mapping[str, str], log_path: Path, *, concurrency: int = 2) -> None:
        self._env = dict(env)
        self._log_path = log_path
        self._concurrency = concurrency
        self._process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.kills = 0
        self.restarts = 0

    def start(self) -> WorkerProcess:
        command = [
            sys.executable, "-m", "celery", "-A", "taskmanager.worker", "worker",
            "--pool", "prefork",
            "--concurrency", str(self._concurrency),
            "--loglevel", "INFO",
            "--hostname", f"faults-{uuid.uuid4().hex[:8]}@127.0.0.1",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        with self._log_path.open("ab") as log:
            # A session of its own: the pool's children share the worker's process
            # group, so one killpg takes the whole worker down at once, as an OOM
            # kill of its container or a lost host would.
            self._process = subprocess.Popen(
                command,
                env=self._env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1
        return self

    def supervise(self) -> bool:
        """Start the worker again if it exited, as its process manager would.

        Production runs the worker under one (compose ``restart: unless-stopped``,
        systemd ``Restart=always``) because a worker can exit on its own: kombu's Redis
        transport can raise ``AttributeError`` on an acknowledgement that races a lost
        connection, and the worker stops with "Unrecoverable error". Returns whether
        it had to restart.
        """
        if self._process is None or self._process.poll() is None:
            return False
        self.restarts += 1
        self.start()
        return True

    def kill(self) -> None:
        """SIGKILL the worker and its pool, and wait until the main process is reaped."""
        if self._kill_group():
            self.kills += 1

    def stop(self) -> None:
        """End the worker for good (cleanup): nothing it was doing matters any more."""
        self._kill_group()

    def shut_down(self) -> int:
        """Ask the worker to finish and exit (SIGTERM, a warm shutdown): its exit code."""
        process, self._process = self._process, None
        assert process is not None, "the worker is not running"
        process.send_signal(signal.SIGTERM)
        return process.wait(timeout=STOP_TIMEOUT_SECONDS)

    def _kill_group(self) -> bool:
        process, self._process = self._process, None
        if process is None:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
        return True
