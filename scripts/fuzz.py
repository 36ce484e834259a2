"""The long schemathesis campaign of ``make fuzz``: in-process, then over HTTP.

Each target gets its own freshly migrated PostgreSQL database (``tm_fuzz`` by
default, never a test lane's) with the seed data of tests/support/fuzz.py. The
in-process run calls the WSGI app directly; the HTTP run starts gunicorn on a free
loopback port against the same kind of database and fuzzes it through real sockets.
Celery's broker and the rate-limit store are in memory: no worker runs, and the
campaign shares no Redis database with the test lanes.

Prints the requests made and every failure; exits 1 on any failure, or when the
campaign made fewer requests than ``--min-requests``.

    python scripts/fuzz.py --max-examples 100 --min-requests 10000
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import schemathesis  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from taskmanager import create_app  # noqa: E402
from tests.support import fuzz  # noqa: E402

PG_ADMIN_DSN = os.environ.get(
    "TASKMANAGER_TEST_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
)
SECRET_KEY = "fuzz-campaign-secret-key-0123456789abcdef"  # noqa: S105 - a throwaway database


def fresh_database(name: str) -> str:
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def settings(database_url: str, instance: str) -> dict[str, Any]:
    """The app's configuration, the same for the in-process app and for gunicorn."""
    return {
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_url,
        "BROKER_URL": "memory://",
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_BACKEND": "outbox",
        "OUTBOX_DIR": os.path.join(instance, "outbox"),
    }


def prepared_app(database: str, instance: str, **extra: Any) -> Any:
    app = create_app({**settings(fresh_database(database), instance), **extra})
    with app.app_context():
        upgrade()
    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout}s")


def in_process(args: argparse.Namespace, instance: str) -> fuzz.Outcome:
    # Exceptions reach the fuzzer with their traceback instead of as a bare 500.
    app = prepared_app(args.database, instance, PROPAGATE_EXCEPTIONS=True)
    seeded = fuzz.seed(app)
    schema = schemathesis.openapi.from_wsgi(
        fuzz.SPEC_PATH, app, config=campaign_config(args, offset=0)
    )
    fuzz.use_bearer_token(schema, app, seeded.email)
    return fuzz.run(schema)


def over_http(args: argparse.Namespace, instance: str) -> fuzz.Outcome:
    app = prepared_app(args.database, instance)
    seeded = fuzz.seed(app)
    port = args.port or free_port()
    env = dict(os.environ)
    for key, value in settings(app.config["DATABASE_URL"], instance).items():
        env[f"TASKMANAGER_{key}"] = value
    log = Path(instance, "gunicorn.log")
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--error-logfile",
        str(log),
        "taskmanager.wsgi:app",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: S603 - our own command
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/livez", server)
        schema = schemathesis.openapi.from_url(
            base + fuzz.SPEC_PATH, config=campaign_config(args, offset=1)
        )
        fuzz.use_bearer_token(schema, app, seeded.email)
        outcome = fuzz.run(schema)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    # A 500 over HTTP shows only its request id; the server's log has the traceback.
    unhandled = [line for line in log.read_text().splitlines() if "Unhandled error" in line]
    outcome.errors += [f"server log: {line}" for line in unhandled]
    return outcome


def campaign_config(args: argparse.Namespace, *, offset: int) -> schemathesis.Config:
    # Each target gets its own seed: the two halves draw different requests.
    return fuzz.config(
        max_examples=args.max_examples,
        max_steps=args.max_steps,
        seed_value=args.seed + offset,
        checks=fuzz.STRICT_CHECKS,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--max-examples", type=int, default=100, help="cases per operation and phase"
    )
    parser.add_argument("--max-steps", type=int, default=10, help="steps per stateful scenario")
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--database", default="tm_fuzz")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port; 0 picks a free one")
    parser.add_argument("--target", choices=("wsgi", "http", "both"), default="both")
    parser.add_argument("--min-requests", type=int, default=0)
    args = parser.parse_args()

    started = time.monotonic()
    outcomes: list[tuple[str, fuzz.Outcome]] = []
    with tempfile.TemporaryDirectory(prefix="tm-fuzz-") as instance:
        os.environ["TASKMANAGER_INSTANCE_PATH"] = instance
        if args.target in ("wsgi", "both"):
            outcomes.append(("in-process (WSGI)", in_process(args, instance)))
            print(outcomes[-1][1].report(outcomes[-1][0]), flush=True)
        if args.target in ("http", "both"):
            outcomes.append(("over HTTP (gunicorn)", over_http(args, instance)))
            print(outcomes[-1][1].report(outcomes[-1][0]), flush=True)

    requests = sum(outcome.requests for _, outcome in outcomes)
    failures = sum(len(outcome.failures) + len(outcome.errors) for _, outcome in outcomes)
    print(
        f"\nmake fuzz: {requests} requests, {failures} failures, "
        f"{time.monotonic() - started:.0f}s (seeds {args.seed} and {args.seed + 1}, "
        f"max-examples {args.max_examples}, max-steps {args.max_steps})"
    )
    if requests < args.min_requests:
        print(f"Too few requests: {requests} < {args.min_requests}; raise --max-examples.")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
