"""P9's cost per message, in process: CPU of ``deliver_email`` against an smtplib loop.

``python -m bench.mail_cpu --n 300`` stores ``n`` messages (the shape P9 sends, from
``bench.email_rate``), then calls ``deliver_email`` for each in its own app context, as
a worker does, against the tests' loopback sink (aiosmtpd) running in this process:
the CPU per message is this process's ``time.process_time`` over the loop, so it
includes the sink's receiving and parsing, as does the reference's (the same messages
sent by a plain ``smtplib`` loop, one connection per message and one for all). The
best of ``--batches`` batches, with the load average beside it. ``--profile`` prints
a cProfile (CPU time) of one batch of ``deliver_email`` instead.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import time
from collections.abc import Callable
from typing import Any

import psycopg

from bench import data
from bench import inprocess
from bench.email_rate import SENDER
from bench.email_rate import _message
from bench.email_rate import _wait
from bench.email_rate import smtplib_loop
from tests.support.smtp import Inbox
from tests.support.smtp import SMTPServer

KEY_PREFIX = "bench-cpu:"


def _cpu_per_message(inbox: Inbox, n: int, send: Callable[[], None]) -> float:
    """CPU ms per message of ``send`` (which sends ``n``), the sink's work included."""
    inbox.messages.clear()
    start = time.process_time()
    send()
    _wait(inbox, n, timeout=600)
    return (time.process_time() - start) * 1000 / n


def _store(app: Any, n: int, tag: str) -> list[int]:
    from taskmanager.extensions import db
    from taskmanager.mail.services import queue_email

    with app.app_context():
        ids = []
        for number in range(n):
            to, subject, text, html = _message(number)
            email = queue_email(
                to=to, subject=subject, text=text, html=html, key=f"{KEY_PREFIX}{tag}:{number}"
            )
            ids.append(email.id)
        db.session.commit()
    return ids


def _deliver_all(app: Any, ids: list[int]) -> Callable[[], None]:
    from taskmanager.mail.jobs import deliver_email

    def send() -> None:
        for email_id in ids:
            # One app context a job, as the worker's task wrapper makes.
            with app.app_context():
                outcome = deliver_email(email_id=email_id)
                assert outcome == "sent", (email_id, outcome)

    return send


def main() -> None:
    from taskmanager import create_app

    parser = argparse.ArgumentParser(prog="python -m bench.mail_cpu")
    parser.add_argument("--n", type=int, default=300, help="messages a batch")
    parser.add_argument("--batches", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile one batch instead")
    args = parser.parse_args()
    dataset = data.ensure("1k")
    os.environ.setdefault("TASKMANAGER_INSTANCE_PATH", str(data.ROOT / "bench" / "instance"))
    sink = SMTPServer(Inbox()).start()
    # The sink's per-command log would cost more than receiving does (as in P9).
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    settings = {
        **inprocess.product_config(dataset),
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": sink.port,
        "MAIL_DEFAULT_SENDER": SENDER,
    }
    app = create_app(settings)
    tag = f"{os.getpid()}-{time.time():.0f}"
    try:
        _cpu_per_message(sink.inbox, 20, _deliver_all(app, _store(app, 20, f"{tag}-warm")))
        if args.profile:
            ids = _store(app, args.n, f"{tag}-profile")
            profile = cProfile.Profile(time.process_time)
            profile.enable()
            _cpu_per_message(sink.inbox, args.n, _deliver_all(app, ids))
            profile.disable()
            stats = pstats.Stats(profile)
            stats.sort_stats("tottime").print_stats(30)
            stats.sort_stats("cumulative").print_stats(50)
            return
        sides: dict[str, Callable[[int], Callable[[], None]]] = {
            "deliver_email": lambda b: _deliver_all(app, _store(app, args.n, f"{tag}-{b}")),
            "smtplib, a connection a message": lambda b: (
                lambda: smtplib_loop(sink.port, args.n, reuse=False)
            ),
            "smtplib, one connection": lambda b: (
                lambda: smtplib_loop(sink.port, args.n, reuse=True)
            ),
        }
        best = {name: float("inf") for name in sides}
        loads = []
        for batch in range(args.batches):
            for name, make in sides.items():
                send = make(batch)
                best[name] = min(best[name], _cpu_per_message(sink.inbox, args.n, send))
                loads.append(os.getloadavg()[0])
        for name, ms in best.items():
            print(f"{name:34} {ms:6.2f} ms CPU a message (best of {args.batches} x {args.n})")
        print(f"load average during: {min(loads):.1f}-{max(loads):.1f}")
    finally:
        sink.stop()
        with psycopg.connect(dataset.url, autocommit=True) as conn:
            conn.execute("DELETE FROM outbound_emails WHERE key LIKE %s", (f"{KEY_PREFIX}%",))


if __name__ == "__main__":
    main()
