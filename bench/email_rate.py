"""P9: notification emails through Celery against a plain smtplib loop (target ≥ 50%).

The sink is the tests' loopback SMTP server (``tests/support/smtp.py``, aiosmtpd).
The Celery side is production's path: ``queue_email`` stores each message (text and
HTML, the shape ``notifications.services._send`` queues) and publishes its
``deliver_email`` job after commit; a real worker (``tests/support/worker_process.py``:
``celery -A taskmanager.worker worker``, prefork, concurrency 2 as in
``deploy/docker-compose.yml``) on a private Redis broker locks the row, sends through
Flask-Mail over its pool process's kept connection (``taskmanager.mail.connection``)
and marks it sent. Timed from the commit that publishes the jobs to the last message
received. The reference sends the same messages from one process with ``smtplib``:
one connection per message (the reference since the first pass, when each job opened
one), and, shown beside it, one connection for all (like for like since each pool
process keeps one). Runs alternate Celery and the loops.
"""

from __future__ import annotations

import argparse
import logging
import smtplib
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import psycopg

from bench import data
from bench import inprocess
from bench.serve import load_average
from bench.serve import private_redis
from bench.serve import say
from tests.support.smtp import Inbox
from tests.support.smtp import SMTPServer
from tests.support.worker_process import WorkerProcess
from tests.support.worker_process import worker_environment

TARGET = 0.5
SENDER = "TaskManager <no-reply@taskmanager.local>"
TEXT = "{name} assigned you a task in Everything:\n\n  Task {n}: fix the login page\n\n" + (
    "Open it: https://bench.example/o/bench/tasks/{n}\n\n"
    "You get this email because you are assigned. Turn these emails off: "
    "https://bench.example/unsubscribe/assigned/0123456789abcdef\n"
)
HTML = (
    "<p>{name} assigned you a task in <b>Everything</b>:</p>"
    + (
        '<p><a href="https://bench.example/o/bench/tasks/{n}">Task {n}: fix the login page</a></p>'
        '<p style="color:#6c757d">You get this email because you are assigned. '
        '<a href="https://bench.example/unsubscribe/assigned/0123456789abcdef">Turn these '
        "emails off</a>.</p>"
    )
    * 3
)


def _message(n: int) -> tuple[str, str, str, str]:
    """(to, subject, text, html) of notification ``n``."""
    return (f"user{n % 20}@bench.example", f"Task {n}: you were assigned",
            TEXT.format(name="User 1", n=n), HTML.format(name="User 1", n=n))  # fmt: skip


def _wait(inbox: Inbox, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(inbox.messages) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"P9: {len(inbox.messages)} of {count} messages within {timeout}s")
        time.sleep(0.01)


def smtplib_loop(port: int, count: int, *, reuse: bool) -> None:
    """The reference: the same messages, sent by a plain loop."""

    def build(n: int) -> EmailMessage:
        to, subject, text, html = _message(n)
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = SENDER, to, subject
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        return message

    if reuse:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for n in range(count):
                smtp.send_message(build(n))
        return
    for n in range(count):
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.send_message(build(n))


def _through_celery(app: Any, inbox: Inbox, count: int, tag: str) -> float:
    """Store ``count`` messages, commit (publishing their jobs), wait for all: seconds."""
    from taskmanager.extensions import db
    from taskmanager.mail.services import queue_email

    with app.app_context():
        for n in range(count):
            to, subject, text, html = _message(n)
            queue_email(to=to, subject=subject, text=text, html=html, key=f"bench:{tag}:{n}")
        start = time.perf_counter()
        db.session.commit()
    _wait(inbox, count, timeout=600)
    return time.perf_counter() - start


def _timed(inbox: Inbox, count: int, send: Any) -> float:
    start = time.perf_counter()
    send()
    _wait(inbox, count, timeout=600)
    return time.perf_counter() - start


def run(args: argparse.Namespace) -> dict[str, Any]:
    from taskmanager import create_app

    count = args.emails
    dataset = data.ensure(args.sizes[0], log=say)
    sink = SMTPServer(Inbox()).start()
    runs: dict[str, list[float]] = {"celery": [], "smtplib": [], "smtplib_one_connection": []}
    loads: list[float] = []
    with private_redis() as broker, tempfile.TemporaryDirectory(prefix="bench-p9-") as tmp:
        settings = {
            **inprocess.product_config(dataset, broker), "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": sink.port, "MAIL_DEFAULT_SENDER": SENDER,
        }  # fmt: skip
        app = create_app(settings)
        # The sink's per-command log (aiosmtpd's "mail.log", INFO under the app's logging)
        # would cost the sink more than receiving does.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        env = worker_environment({**settings, "INSTANCE_PATH": Path(tmp) / "instance"})
        worker = WorkerProcess(env, Path(tmp) / "worker.log", concurrency=2).start()
        try:
            say("P9: warming the worker up (20 messages)")
            _through_celery(app, sink.inbox, 20, "warm")
            for number in range(args.runs):
                sides = ["celery", "smtplib", "smtplib_one_connection"]
                for side in sides if number % 2 == 0 else list(reversed(sides)):
                    sink.inbox.messages.clear()
                    if side == "celery":
                        seconds = _through_celery(app, sink.inbox, count, f"run{number}")
                    else:
                        reuse = side == "smtplib_one_connection"
                        seconds = _timed(
                            sink.inbox,
                            count,
                            lambda r=reuse: smtplib_loop(sink.port, count, reuse=r),
                        )
                    runs[side].append(count / seconds)
                    loads.append(load_average()[0])
                    say(f"  run {number + 1}/{args.runs} {side:22} {count / seconds:7.1f} "
                        "messages/s")  # fmt: skip
        finally:
            worker.stop()
            sink.stop()
            with psycopg.connect(dataset.url, autocommit=True) as conn:
                conn.execute("DELETE FROM outbound_emails")
    ratios = [c / s for c, s in zip(runs["celery"], runs["smtplib"], strict=True)]
    ratios_one = [c / s for c, s in zip(runs["celery"], runs["smtplib_one_connection"],
                                        strict=True)]  # fmt: skip
    median = sorted(ratios)[len(ratios) // 2]
    return {
        "emails": count, "runs": runs, "ratios": ratios, "ratio": median,
        "ratios_one_connection": ratios_one, "target": TARGET, "passed": median >= TARGET,
        "worker": "celery prefork, concurrency 2, private Redis broker",
        "load_during": [min(loads), max(loads)],
    }  # fmt: skip
