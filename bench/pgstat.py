"""P5 cross-checked: the cursor listener's counts against ``pg_stat_statements``.

``pg_stat_statements`` must be preloaded, and the shared PostgreSQL (port 5432) is
not and must not be restarted, so the bench starts a throw-away cluster of its own:
``initdb`` from ``/usr/lib/postgresql/*/bin`` in a temporary directory (as the
``postgres`` user when run as root: initdb refuses root), trust authentication,
``shared_preload_libraries=pg_stat_statements``, a free loopback port; the 1k dataset
is built there and the cluster is removed afterwards.

For each request of P5 the product runs in process (the Flask test client, production
settings) ``REPEATS`` times after a warm-up; the listener counts what SQLAlchemy sends,
``pg_stat_statements`` (reset before) what the server executed, read from another
database so the reading is not counted. The server also sees what no cursor listener
can: transaction control (``BEGIN``/``COMMIT``/``ROLLBACK``, psycopg's own) and the
pool's pre-ping; they are shown apart, as are the statements triggers run inside the
server (``toplevel`` false with ``pg_stat_statements.track=all``).
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg

from bench import data
from bench import inprocess
from bench.serve import free_port
from bench.serve import say

REPEATS = 20
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SET", "SHOW")
PINGS = ("SELECT $1", "SELECT 1", ";", "")


def _bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]))  # fmt: skip
    if not found:
        raise RuntimeError("no initdb under /usr/lib/postgresql/*/bin: install postgresql")
    return Path(found[-1]).parent


def _as_owner(command: list[str]) -> list[str]:
    """Run as ``postgres`` when we are root: initdb and postgres refuse root."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _run(command: list[str], *, check: bool = True) -> None:
    subprocess.run(_as_owner(command), check=check, capture_output=True)  # noqa: S603


@contextlib.contextmanager
def cluster() -> Iterator[str]:
    """A throw-away PostgreSQL with pg_stat_statements preloaded; yields its admin DSN."""
    binaries = _bin()
    root = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(root, owner.pw_uid, owner.pw_gid)
    port = free_port()
    pgdata, log = root / "data", root / "postgres.log"
    _run([str(binaries / "initdb"), "-D", str(pgdata), "-U", "postgres", "--auth=trust",
          "-E", "UTF8", "--no-sync"])  # fmt: skip
    options = (f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={root} "
               "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all "
               "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")  # fmt: skip
    pg_ctl = str(binaries / "pg_ctl")
    _run([pg_ctl, "-D", str(pgdata), "-o", options, "-l", str(log), "-w", "start"])
    try:
        yield f"host=127.0.0.1 port={port} user=postgres dbname=postgres"
    finally:
        _run([pg_ctl, "-D", str(pgdata), "-m", "fast", "-w", "stop"], check=False)
        shutil.rmtree(root, ignore_errors=True)


def _server_counts(admin: psycopg.Connection[Any], database: str) -> dict[str, int]:
    rows = admin.execute(
        "SELECT s.query, s.calls, s.toplevel FROM pg_stat_statements s "
        "JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = %s",
        (database,),
    ).fetchall()
    counts = {"statements": 0, "control": 0, "pings": 0, "nested": 0}
    for query, calls, toplevel in rows:
        text = query.strip().rstrip(";").strip()
        if not toplevel:  # run inside a function or trigger, not sent by the client
            counts["nested"] += calls
        elif text.upper().startswith(CONTROL):
            counts["control"] += calls
        elif text in PINGS:
            counts["pings"] += calls
        else:
            counts["statements"] += calls
    return counts


def run(args: argparse.Namespace, redis_url: str) -> dict[str, Any]:
    from taskmanager import create_app

    say("P5: a throw-away PostgreSQL cluster with pg_stat_statements (initdb)")
    out: dict[str, Any] = {"repeats": REPEATS, "requests": {}}
    with cluster() as admin_dsn:
        out["server"] = admin_dsn.split(" user=")[0]
        dataset = data.ensure("1k", log=say, admin_dsn=admin_dsn)
        app = create_app(inprocess.product_config(dataset, redis_url))
        token = inprocess.access_token(app, dataset)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}", **inprocess.HEADERS}
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            # Read from the admin database: its own statements are not the bench database's.
            admin.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            out["server_version"] = admin.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
            for name, (method, path, body) in inprocess.requests_for(dataset).items():
                client.open(path, method=method, headers=headers, json=body)  # warm-up
                admin.execute("SELECT pg_stat_statements_reset()")
                with inprocess.statements(app) as seen:
                    for _ in range(REPEATS):
                        answer = client.open(path, method=method, headers=headers, json=body)
                        if answer.status_code >= 300:
                            raise RuntimeError(f"{method} {path}: {answer.status_code}")
                server = _server_counts(admin, dataset.database)
                row = {"method": method, "path": path, "listener": len(seen) / REPEATS,
                       **{k: v / REPEATS for k, v in server.items()}}  # fmt: skip
                row["match"] = row["listener"] == row["statements"]
                out["requests"][name] = row
                say(f"  {name}: listener {row['listener']:g}, pg_stat_statements "
                    f"{row['statements']:g} (+ {row['control']:g} transaction control, "
                    f"{row['pings']:g} pings; {row['nested']:g} nested in triggers)")  # fmt: skip
    out["passed"] = all(r["match"] for r in out["requests"].values())
    return out
