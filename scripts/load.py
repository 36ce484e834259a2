"""The load run of quality.md R19 and P1: wrk through nginx on the API mix.

Starts the production topology (deploy/stack.py; as compose runs it: two replicas of
each server, one process each, behind nginx's least_conn) on a fresh
``tm_stack_load`` database and a private Redis, with rate limits raised, seeds users
with real access tokens, then runs wrk (64 connections) through nginx in front of
gunicorn alone, granian alone, and both, interleaved ``--rounds`` times because the
machine may be shared and noisy. Prints p50/p99, requests/s and errors per run, the
median per target, and where the time went by kind of request (nginx's log); exits 1
if any request failed. ``--json`` also writes the runs to a file (scripts/verify.py).

    python scripts/load.py --duration 60 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.nginx import write as write_nginx  # noqa: E402
from deploy.processes import Process  # noqa: E402
from deploy.processes import free_port  # noqa: E402
from deploy.processes import wait_for_http  # noqa: E402
from deploy.services import private_redis  # noqa: E402
from deploy.stack import NGINX  # noqa: E402
from deploy.stack import SERVERS  # noqa: E402
from deploy.stack import Stack  # noqa: E402
from deploy.stack import StackConfig  # noqa: E402
from deploy.stack import server_of  # noqa: E402
from tests.support.load import WRK_TIMEOUT_SECONDS  # noqa: E402
from tests.support.load import failed_statuses  # noqa: E402
from tests.support.load import latency_by_kind  # noqa: E402
from tests.support.load import mix_script  # noqa: E402
from tests.support.load import nginx_statuses  # noqa: E402
from tests.support.load import run_wrk  # noqa: E402
from tests.support.load import seed  # noqa: E402

USERS = 8
RAISED_LIMITS = {
    "TASKMANAGER_API_WRITE_RATE_LIMIT": "1000000 per minute",
    "TASKMANAGER_API_READ_RATE_LIMIT": "1000000 per minute",
    "TASKMANAGER_LOGIN_RATE_LIMIT": "1000 per minute",
}
# P1: the server with the whole extension stack and nothing else (no database).
LIVEZ_SCRIPT = """
request = function()
  return wrk.format("GET", "/livez")
end
"""


def fresh_database(name: str) -> str:
    import psycopg

    from deploy.services import PG_DSN

    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
        host, port, user = conn.info.host, conn.info.port, conn.info.user
    return f"postgresql://{user}@{host}:{port}/{name}"


def vacuum_analyze(database_url: str) -> None:
    """What autovacuum would have done by now, before each run.

    This machine's PostgreSQL runs with autovacuum off (its configuration file), so a
    table the mix grows by thousands of tasks a minute kept the statistics of its
    first eight rows, and no page was ever marked all-visible. Before migration
    t9lo3b8e2f14 the planner then sorted every task of a project for each page of 20
    (each run slower than the last: 390 -> 290 req/s over three rounds); the counts'
    index-only scans still visit the table for every row no VACUUM has seen.
    Production's autovacuum re-analyzes a table after a tenth of it changes, about
    once a minute at this rate.
    """
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


def seeding_app(stack: Stack) -> Any:
    from taskmanager import create_app

    return create_app(
        {
            "SECRET_KEY": stack.secret_key(),
            "DATABASE_URL": stack.config.database_url,
            "BROKER_URL": stack.config.broker_url,
            "REDIS_URL": stack.config.redis_url,
        }
    )


def extra_nginx(stack: Stack, name: str, upstreams: list[str]) -> tuple[Process, str]:
    """Another nginx, same configuration, in front of only ``upstreams``."""
    port = free_port()
    settings = stack.nginx_settings()
    workdir = stack.workdir / f"nginx-{name}"
    workdir.mkdir(exist_ok=True)
    from dataclasses import replace

    settings = replace(
        settings,
        upstreams=upstreams,
        listen=f"127.0.0.1:{port}",
        pid=str(workdir / "nginx.pid"),
        access_log=str(workdir / "access.log"),
        error_log=str(workdir / "error.log"),
        temp_dir=str(workdir / "temp"),
    )
    conf = write_nginx(settings, workdir / "nginx.conf")
    process = Process(
        f"nginx-{name}",
        [NGINX, "-p", str(workdir), "-c", str(conf), "-g", "daemon off;"],
        env={},
        log=workdir / "nginx.log",
        cwd=ROOT,
    ).start()
    url = f"http://127.0.0.1:{port}"
    wait_for_http(f"{url}/livez", process)
    return process, url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--timeout",
        type=int,
        default=WRK_TIMEOUT_SECONDS,
        help="wrk's per-request timeout (default: past nginx's own 60 s)",
    )
    parser.add_argument("--targets", default="gunicorn,granian,both")
    parser.add_argument(
        "--workers", type=int, default=1, help="worker processes per replica (WEB_CONCURRENCY)"
    )
    parser.add_argument(
        "--replicas", type=int, default=2, help="processes of each server, each on its own port"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the runs here")
    parser.add_argument(
        "--warmup", type=int, default=10, help="seconds of the mix per target before measuring"
    )
    parser.add_argument(
        "--mix", choices=("api", "livez"), default="api", help="the API mix, or /livez only (P1)"
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="tm_stack_load-"))
    database_url = fresh_database("tm_stack_load")
    results: dict[str, list[dict[str, float]]] = {}
    failed = 0  # what nginx's logs count as failed (5xx, 499), besides wrk's errors
    with private_redis(workdir) as redis_base:
        config = StackConfig(
            workdir=workdir,
            port=free_port(),
            database_url=database_url,
            redis_url=f"{redis_base}/0",
            broker_url=f"{redis_base}/1",
            jobs=False,
            env=RAISED_LIMITS,
            web_concurrency=args.workers,
            replicas=args.replicas,
        )
        with Stack(config) as stack:
            script = workdir / "mix.lua"
            if args.mix == "api":
                mix_script(seed(seeding_app(stack), config.base_url, USERS), script)
            else:
                script.write_text(LIVEZ_SCRIPT)
            ports = stack.server_ports
            fronts: dict[str, str] = {"both": config.base_url}
            extra = []
            for name in SERVERS:
                upstreams = [
                    f"127.0.0.1:{port}" for instance, port in ports.items()
                    if server_of(instance) == name
                ]  # fmt: skip
                process, url = extra_nginx(stack, name, upstreams)
                extra.append(process)
                fronts[name] = url
            try:
                targets = args.targets.split(",")
                # Not measured: every process has served requests, and the tables hold
                # more than the seed's eight tasks before vacuum_analyze takes their
                # statistics. Measured from a cold start, the first run was 10-20%
                # slower than the next on the same code (364 against 440 req/s).
                for target in targets if args.warmup else ():
                    run_wrk(fronts[target], script, args.warmup, args.connections, args.timeout)
                logs = {"both": stack.logs / "nginx-access.log"}
                logs |= {name: stack.workdir / f"nginx-{name}" / "access.log" for name in SERVERS}
                warmed = {name: len(log.read_text().splitlines()) for name, log in logs.items()}
                for round_number in range(args.rounds):
                    order = targets if round_number % 2 == 0 else targets[::-1]
                    for target in order:
                        vacuum_analyze(database_url)
                        figures = run_wrk(
                            fronts[target], script, args.duration, args.connections, args.timeout
                        )
                        results.setdefault(target, []).append(figures)
                        print(f"round {round_number + 1} {target:>8}: {json.dumps(figures)}")
                        sys.stdout.flush()
                for target in targets:
                    statuses = nginx_statuses(logs[target], skip=warmed[target])
                    failed += sum(failed_statuses(statuses).values())
                    print(f"nginx statuses, {target}: {statuses}")
                    for kind, figures in latency_by_kind(logs[target], skip=warmed[target]).items():
                        print(f"  {kind:>6}: {json.dumps(figures)}")
            finally:
                for process in extra:
                    process.stop(signum=15)
    shape = f"{args.replicas} x {args.workers} process(es) per server"
    print(f"\n{args.mix} mix, {args.connections} connections, {args.duration}s per run, {shape}")
    print("median over rounds (min-max):")
    for target, runs in results.items():
        line = []
        for key in ("rps", "p50_ms", "p99_ms"):
            values = [run[key] for run in runs]
            line.append(
                f"{key} {statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"
            )
        errors = sum(int(run["errors"]) for run in runs)
        failed += errors
        print(f"  {target:>8}: {', '.join(line)}, errors {errors}")
    if args.json:
        args.json.write_text(json.dumps({"shape": shape, "runs": results, "failed": failed}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
