"""``make compare``: the three blogs side by side on PostgreSQL, driven by wrk.

For each server setup (each app on its idiomatic server, then all three on granian)
the three apps run at once, each on its own database with the same seeded data and
the same worker count; for every endpoint each app gets a warm-up, then the
measured runs interleave the apps (run 1 of each, run 2 of each, ...) so drift on
a shared machine hits all three alike. Results: comparison/RESULTS.md,
comparison/bench/results.json and comparison/bench/results.png.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from comparison.bench import database
from comparison.bench.load import ENDPOINTS
from comparison.bench.load import measure
from comparison.bench.report import write_report
from comparison.harness import Server
from comparison.harness import running_server

HERE = Path(__file__).resolve().parent
APPS = ["flask", "django", "fastapi"]
IDIOMATIC = {"flask": "gunicorn", "django": "gunicorn", "fastapi": "uvicorn"}
PASSWORD = "benchmark password"  # noqa: S105 (a throwaway account on a throwaway database)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m comparison.bench", description=__doc__)
    parser.add_argument("--duration", type=float, default=10, help="seconds per measured run")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per cell")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--wrk-core", type=int, default=1, help="CPU wrk is pinned to")
    parser.add_argument("--setups", default="idiomatic,granian")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="logs and raw wrk output")
    parser.add_argument(
        "--no-report", action="store_true", help="print results; leave RESULTS.md alone"
    )
    return parser.parse_args(argv)


def seed_users(server: Server) -> str:
    """Register the benchmark users through the app's own API; a token for the first."""
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        for n in range(1, database.USERS + 1):
            response = client.post(
                "/api/v1/users",
                json={
                    "username": f"bench{n}",
                    "email": f"bench{n}@example.com",
                    "password": PASSWORD,
                },
            )
            if response.status_code not in (201, 409):
                raise RuntimeError(f"{server.name}: registering bench{n} gave {response.text}")
        login = {"email": "bench1@example.com", "password": PASSWORD}
        response = client.post("/api/v1/tokens", json=login)
        response.raise_for_status()
        return str(response.json()["access_token"])


def run_setup(
    setup: str, urls: dict[str, str], pg_user: str, args: argparse.Namespace
) -> list[dict[str, Any]]:
    env = {"BLOG_SECRET_KEY": secrets.token_urlsafe(48), "BLOG_TOKEN_TTL": "7200"}
    results: list[dict[str, Any]] = []
    with contextlib.ExitStack() as stack:
        servers: dict[str, Server] = {}
        wrk_env: dict[str, dict[str, str]] = {}
        for app in APPS:
            server_name = IDIOMATIC[app] if setup == "idiomatic" else setup
            servers[app] = stack.enter_context(
                running_server(
                    app, args.out, env=env, workers=args.workers,
                    database_url=urls[app], server=server_name,
                )
            )  # fmt: skip
            token = seed_users(servers[app])
            low, high = database.reseed_posts(pg_user, f"blog_{app}", app)
            wrk_env[app] = {
                **os.environ, "BLOG_TOKEN": token, "POST_ID_MIN": str(low), "POST_ID_MAX": str(high)
            }  # fmt: skip
            print(f"[{setup}] {app} on {server_name}: {servers[app].base_url}", flush=True)
        for endpoint in ENDPOINTS:
            for app in APPS:  # warm-up: caches, connection pools, lazy imports
                measure(
                    servers[app].base_url, endpoint, server_pid=servers[app].pid,
                    connections=args.connections, seconds=args.warmup, env=wrk_env[app],
                    core=args.wrk_core,
                )  # fmt: skip
            for run in range(1, args.runs + 1):
                for app in APPS:
                    measured, raw = measure(
                        servers[app].base_url, endpoint, server_pid=servers[app].pid,
                        connections=args.connections, seconds=args.duration, env=wrk_env[app],
                        core=args.wrk_core,
                    )  # fmt: skip
                    slug = f"{setup}-{app}-{endpoint.name.replace(' ', '_')}-{run}"
                    (args.out / f"{slug}.wrk.txt").write_text(raw)
                    results.append(
                        {
                            "setup": setup,
                            "server": IDIOMATIC[app] if setup == "idiomatic" else setup,
                            "app": app,
                            "endpoint": endpoint.name,
                            "run": run,
                            **measured.as_dict(),
                        }
                    )
                    print(
                        f"[{setup}] {endpoint.name:12} {app:8} run {run}: {measured.rps:8.0f} "
                        f"req/s  p50 {measured.p50_ms:6.2f} ms  p99 {measured.p99_ms:7.2f} ms  "
                        f"cpu {measured.cpu_ms_per_request:.3f} ms/req  errors {measured.errors}",
                        flush=True,
                    )
    return results


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    load_before = os.getloadavg()[0]  # the box may be shared: say how busy it was
    pg_user = database.superuser()
    urls = {app: database.recreate_database(pg_user, f"blog_{app}") for app in APPS}
    results: list[dict[str, Any]] = []
    for setup in args.setups.split(","):
        results += run_setup(setup, urls, pg_user, args)
    meta = {
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "runs": args.runs,
        "connections": args.connections,
        "workers": args.workers,
        "wrk_core": args.wrk_core,
        "cpus": os.cpu_count(),
        "users": database.USERS,
        "posts": database.POSTS,
        "python": sys.version.split()[0],
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "command": " ".join(["python -m comparison.bench", *(argv or sys.argv[1:])]),
        "elapsed_s": round(time.monotonic() - started),
        "loadavg_start": round(load_before, 1),
        "loadavg_end": round(os.getloadavg()[0], 1),
    }
    document = {"meta": meta, "results": results}
    (args.out / "results.json").write_text(json.dumps(document, indent=2))
    if not args.no_report:
        (HERE / "results.json").write_text(json.dumps(document, indent=2) + "\n")
        write_report(document, HERE.parent / "RESULTS.md", HERE / "results.png")
    print(f"Done in {meta['elapsed_s']} s.")


if __name__ == "__main__":
    main()
