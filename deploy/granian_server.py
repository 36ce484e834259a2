"""granian settings and launcher: ``python -m deploy.granian_server``.

The same app and the same shutdown behaviour as gunicorn: on SIGTERM, /readyz
answers 503 at once (through ``TASKMANAGER_DRAIN_FILE``, which every worker process
checks), the server keeps serving for ``TASKMANAGER_DRAIN_SECONDS``, then granian
stops accepting and lets in-flight requests finish before its workers exit.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any

from granian.constants import Interfaces
from granian.server import Server

from deploy import server_logs

TARGET = "taskmanager.wsgi:app"


def settings() -> dict[str, Any]:
    """Server settings from the environment, with the defaults measured for this app."""
    return {
        "address": os.environ.get("GRANIAN_HOST", "0.0.0.0"),  # noqa: S104 - in a container
        "port": int(os.environ.get("GRANIAN_PORT", "8000")),
        "interface": Interfaces.WSGI,
        "workers": int(os.environ.get("WEB_CONCURRENCY", "2")),
        # Python threads per worker that run the WSGI app: two, as gunicorn's threads
        # (gunicorn.conf.py says why). At 8, p99 at 64 connections was 545 ms; at 2, 178.
        "blocking_threads": int(os.environ.get("GRANIAN_BLOCKING_THREADS", "2")),
        "backlog": 1024,
        # A worker that dies (out of memory, a crash) is started again.
        "respawn_failed_workers": True,
        "workers_kill_timeout": int(os.environ.get("GRANIAN_KILL_TIMEOUT", "30")),
        "log_access": server_logs.server_access_log(),  # the app writes one, with the id
        # In production granian's own lines are JSON too, by the app's formatter.
        "log_dictconfig": server_logs.granian_config() if server_logs.json_logs() else None,
    }


class DrainingServer(Server):  # type: ignore[misc, valid-type]
    """granian, with a readiness drain between SIGTERM and the graceful stop."""

    draining = False

    def signal_handler_interrupt(self, *args: object, **kwargs: object) -> None:
        if self.draining:  # a second signal: stop now
            super().signal_handler_interrupt()
            return
        self.draining = True
        drain_file = os.environ.get("TASKMANAGER_DRAIN_FILE")
        if drain_file:
            Path(drain_file).touch()
        timer = threading.Timer(
            float(os.environ.get("TASKMANAGER_DRAIN_SECONDS", "3")),
            super().signal_handler_interrupt,
        )
        timer.daemon = True
        timer.start()


def main(argv: list[str]) -> None:
    """``python -m deploy.granian_server [module:app]``; the product's app by default."""
    target = argv[0] if argv else TARGET
    drain_file = os.environ.get("TASKMANAGER_DRAIN_FILE")
    if drain_file:
        Path(drain_file).unlink(missing_ok=True)  # left over from the last run
    DrainingServer(target, **settings()).serve()


if __name__ == "__main__":
    main(sys.argv[1:])
