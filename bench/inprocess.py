"""The product in process: statements per request (P5) and a profile of one endpoint.

Statements are counted with a SQLAlchemy ``before_cursor_execute`` listener on the
app's engine, the same counter the P5 tests use. ``python -m bench.inprocess
--profile task`` prints a pyinstrument profile of 300 task reads.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from flask import Flask
from flask_jwt_extended import create_access_token
from sqlalchemy import event

from bench.data import Dataset
from taskmanager import create_app
from taskmanager.extensions import db

SECRET_KEY = "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105 (bench only)


def product_config(dataset: Dataset, redis_url: str = "") -> dict[str, Any]:
    """What ``make bench`` serves the product with: production, rate limits raised."""
    return {
        "ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": dataset.url,
        # Production requires it (every emailed link is built on it); loopback hosts stay served.
        "BASE_URL": "https://bench.example",
        "BROKER_URL": redis_url or "memory://",
        "REDIS_URL": redis_url,
        "API_READ_RATE_LIMIT": "1000000 per minute",
        "API_WRITE_RATE_LIMIT": "1000000 per minute",
        # Served behind one proxy that terminated TLS, as in production (deploy/):
        # every request says X-Forwarded-Proto: https (HEADERS).
        "PROXY_COUNT": 1,
    }


# What nginx adds in production; without it the product redirects to https.
HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}


def product_environment(dataset: Dataset, redis_url: str) -> dict[str, str]:
    return {f"TASKMANAGER_{k}": str(v) for k, v in product_config(dataset, redis_url).items()}


def access_token(app: Flask, dataset: Dataset, hours: int = 12) -> str:
    """An access token of the bench user's family, valid long enough for a full run."""
    with app.app_context():
        token: str = create_access_token(
            str(dataset.user_id),
            additional_claims={"fam": dataset.family_id},
            expires_delta=timedelta(hours=hours),
        )
    return token


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def requests_for(dataset: Dataset) -> dict[str, tuple[str, str, dict[str, Any] | None]]:
    middle = (dataset.first_task_id + dataset.last_task_id) // 2
    return {
        "task": ("GET", f"/api/v1/tasks/{middle}", None),
        "list10": ("GET", f"/api/v1/projects/{dataset.project_id}/tasks?per_page=10", None),
        "list50": ("GET", f"/api/v1/projects/{dataset.project_id}/tasks?per_page=50", None),
        "list100": ("GET", f"/api/v1/projects/{dataset.project_id}/tasks?per_page=100", None),
        "create": (
            "POST",
            f"/api/v1/projects/{dataset.write_project_id}/tasks",
            {"title": "A benchmark task", "priority": "high"},
        ),
    }


def count_statements(app: Flask, token: str, dataset: Dataset) -> dict[str, int]:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}", **HEADERS}
    counts = {}
    for name, (method, path, body) in requests_for(dataset).items():
        client.open(path, method=method, headers=headers, json=body)  # warm caches
        with statements(app) as seen:
            response = client.open(path, method=method, headers=headers, json=body)
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {path} answered {response.status_code}: {response.text}")
        counts[name] = len(seen)
    return counts


def cpu_ms(app: Flask, token: str, dataset: Dataset, *, n: int = 100) -> dict[str, float]:
    """Process CPU time per request, in process (no server): the best of 5 batches of n."""
    import time

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}", **HEADERS}
    endpoints = {"livez": ("GET", "/livez", None), **requests_for(dataset)}
    result = {}
    for name, (method, path, body) in endpoints.items():
        for _ in range(10):
            client.open(path, method=method, headers=headers, json=body)
        best = float("inf")
        for _ in range(5):
            start = time.process_time()
            for _ in range(n):
                client.open(path, method=method, headers=headers, json=body)
            best = min(best, (time.process_time() - start) * 1000 / n)
        result[name] = round(best, 2)
    return result


def main() -> None:
    from bench import data

    parser = argparse.ArgumentParser(prog="python -m bench.inprocess")
    parser.add_argument("--size", default="1k", choices=sorted(data.SIZES))
    parser.add_argument("--profile", choices=["task", "list10", "list50", "create", "livez"])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--show", action="store_true", help="print each statement")
    parser.add_argument("--width", type=int, default=300, help="characters of each shown")
    parser.add_argument("--cpu", action="store_true", help="cProfile on CPU time instead")
    parser.add_argument(
        "--cpu-ms", action="store_true", help="CPU ms per request of each endpoint (best of 5)"
    )
    parser.add_argument(
        "--redis",
        default="",
        help="a Redis URL for the rate limits, as the served bench has (default: memory://)",
    )
    args = parser.parse_args()
    dataset = data.ensure(args.size)
    os.environ.setdefault("TASKMANAGER_INSTANCE_PATH", str(data.ROOT / "bench" / "instance"))
    app = create_app(product_config(dataset, args.redis))
    token = access_token(app, dataset)
    print(count_statements(app, token, dataset))
    if args.cpu_ms:
        print(cpu_ms(app, token, dataset, n=args.n))
    if args.show:
        client = app.test_client()
        for name, (method, path, body) in requests_for(dataset).items():
            with statements(app) as seen:
                client.open(
                    path,
                    method=method,
                    headers={"Authorization": f"Bearer {token}", **HEADERS},
                    json=body,
                )
            print(f"--- {name}")
            for s in seen:
                print("  ", " ".join(s.split())[: args.width])
    if args.profile:
        from pyinstrument import Profiler

        client = app.test_client()
        method, path, body = requests_for(dataset).get(args.profile) or ("GET", "/livez", None)
        headers = {"Authorization": f"Bearer {token}", **HEADERS}
        for _ in range(20):
            client.open(path, method=method, headers=headers, json=body)
        if args.cpu:
            import cProfile
            import pstats
            import time

            profile = cProfile.Profile(time.process_time)
            profile.enable()
            for _ in range(args.n):
                client.open(path, method=method, headers=headers, json=body)
            profile.disable()
            stats = pstats.Stats(profile)
            stats.sort_stats("tottime").print_stats(35)
            stats.sort_stats("cumulative").print_stats(60)
            return
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(args.n):
            client.open(path, method=method, headers=headers, json=body)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
