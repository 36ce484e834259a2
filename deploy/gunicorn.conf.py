"""gunicorn settings: ``gunicorn -c deploy/gunicorn.conf.py taskmanager.wsgi:app``.

Each value can be changed by its environment variable without editing this file.
"""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

from deploy import server_logs

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Few threads: a request of the API mix spends most of its time in Python, not
# waiting on PostgreSQL, so past two threads per process more only share the GIL
# (p99 at 64 connections, one process per replica: 217 ms at 2 threads, 279 at 4,
# 464 at 8; deploy/README.md, run G). A second thread covers a request's waits.
# Compose runs one worker per container and scales containers (.env.example), so
# nginx balances every request; a lone container runs two.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# Longer than nginx keeps an idle upstream connection (keepalive_timeout in
# nginx.conf's upstream), so nginx never reuses a connection gunicorn just closed.
keepalive = 75
timeout = 60
# SIGTERM: DRAIN_SECONDS of /readyz answering 503 (load balancers take the server
# out), then in-flight requests get up to this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
DRAIN_SECONDS = float(os.environ.get("TASKMANAGER_DRAIN_SECONDS", "3"))
# The app writes its own JSON access log with the request id; gunicorn's would repeat it.
accesslog = None
errorlog = "-"
# In production gunicorn's own lines are JSON too, by the app's formatter (server_logs.py).
if server_logs.json_logs():
    logconfig_dict = server_logs.gunicorn_config()
# ProxyFix in the app reads X-Forwarded-*; gunicorn must not rewrite them first.
forwarded_allow_ips = ""
proc_name = "taskmanager-web"


def when_ready(server: Any) -> None:
    """On SIGTERM: readiness 503 at once, keep serving DRAIN_SECONDS, then stop.

    gunicorn alone would close its listening socket at once and finish what is in
    flight; the drain in front of that gives a load balancer polling /readyz time to
    stop sending new requests here. A second SIGTERM (or SIGINT) stops at once.
    """
    stop = server.handle_term
    draining = threading.Event()

    def drain_then_stop() -> None:
        if draining.is_set():
            stop()
            return
        draining.set()
        server.log.info("Draining for %.1fs: /readyz answers 503", DRAIN_SECONDS)
        server.kill_workers(signal.SIGUSR2)
        timer = threading.Timer(DRAIN_SECONDS, os.kill, args=(os.getpid(), signal.SIGTERM))
        timer.daemon = True
        timer.start()

    server.handle_term = drain_then_stop


def post_worker_init(worker: Any) -> None:
    """SIGUSR2 from the master: this worker's /readyz answers 503 from now on."""
    from taskmanager.health import start_draining

    app = worker.wsgi
    signal.signal(signal.SIGUSR2, lambda signum, frame: start_draining(app))
    signal.siginterrupt(signal.SIGUSR2, False)
