"""P7: tail latency at 80% of the max sustainable rate (target: p99 ≤ 4x p50).

The max rate is what ``wrk -t1 -c8`` (closed loop) gets from the product. The load at
80% of it must be open loop: a closed-loop tool (wrk) sends the next request only when
an answer came back, so a stalled server is sent less and its stall is never counted
(coordinated omission). wrk2 (constant rate) is not packaged by Debian, and wrk's Lua
``delay()`` paces each connection but still times from the actual send. So this module
is the generator: requests are scheduled at fixed intervals (``1 / rate``) whatever the
answers do, each on its own connection slot (up to ``SLOTS`` in flight), and each
latency is measured from the request's *scheduled* time, so time spent queued behind
a slow answer counts, as wrk2 does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import time
from typing import Any

import httpx

from bench import data
from bench import inprocess
from bench.serve import WRK_CORE
from bench.serve import interleaved
from bench.serve import load_average
from bench.serve import say
from bench.serve import serving

SLOTS = 64
SHARE = 0.8
TARGET = 4.0
# name: (lua script for the closed-loop max rate, path maker for the open loop)
ENDPOINTS = ("get_task", "list_tasks")


def _path(name: str, dataset: data.Dataset, rng: random.Random) -> str:
    if name == "get_task":
        return f"/api/v1/tasks/{rng.randint(dataset.first_task_id, dataset.last_task_id)}"
    pages = min(20, max(1, dataset.tasks // 50))
    return f"/api/v1/projects/{dataset.project_id}/tasks?per_page=50&page={rng.randint(1, pages)}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _open_loop(base: str, headers: dict[str, str], paths: list[str],
                     rate: float) -> tuple[list[float], int, float]:  # fmt: skip
    """Latencies (ms, from each scheduled time), errors, and the seconds it took."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=SLOTS, max_keepalive_connections=SLOTS)
    slots = asyncio.Semaphore(SLOTS)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits,
                                 timeout=60) as client:  # fmt: skip

        async def one(path: str, scheduled: float) -> None:
            nonlocal errors
            async with slots:
                try:
                    answer = await client.get(path)
                    if answer.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
            latencies.append(1000 * (time.perf_counter() - scheduled))

        start = time.perf_counter()
        pending = []
        for index, path in enumerate(paths):
            scheduled = start + index / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            pending.append(asyncio.create_task(one(path, scheduled)))
        await asyncio.gather(*pending)
    return latencies, errors, time.perf_counter() - start


def run(args: argparse.Namespace, redis_url: str) -> dict[str, Any]:
    from bench.__main__ import ENDPOINTS as WRK_ENDPOINTS
    from bench.__main__ import lua_environment
    from bench.__main__ import product_environment
    from taskmanager import create_app

    dataset = data.ensure(args.sizes[0], log=say)
    app = create_app(inprocess.product_config(dataset, redis_url))
    token = inprocess.access_token(app, dataset)
    headers = {"Authorization": f"Bearer {token}", **inprocess.HEADERS}
    seconds = 10.0 if args.quick else 30.0
    rng = random.Random(17)  # noqa: S311 (request ids, not secrets)
    out: dict[str, Any] = {"size": dataset.name, "server": "gunicorn", "share": SHARE,
                           "target": TARGET, "seconds": seconds, "endpoints": {}}  # fmt: skip
    with serving("product", "taskmanager.wsgi:app", "gunicorn",
                 product_environment(dataset, redis_url)) as product:  # fmt: skip
        for name in ENDPOINTS:
            script, extra, _ = WRK_ENDPOINTS[name]
            say(f"P7 {name}: max rate, closed loop (wrk -c8, {args.seconds:g} s)")
            closed = interleaved([product], script, {**lua_environment(dataset, token), **extra},
                                 runs=1, seconds=args.seconds, warmup=args.warmup)  # fmt: skip
            run = closed["product"][0]
            rate = SHARE * run["rps"]
            paths = [_path(name, dataset, rng) for _ in range(max(50, round(rate * seconds)))]
            say(f"P7 {name}: open loop at {rate:.1f} req/s ({SHARE:.0%} of {run['rps']:.1f}) "
                f"for {len(paths)} requests")  # fmt: skip
            load_before = load_average()[0]
            # The generator on wrk's core, as the closed-loop runs were.
            affinity = os.sched_getaffinity(0)
            with contextlib.suppress(OSError):
                os.sched_setaffinity(0, {WRK_CORE})
            try:
                latencies, errors, took = asyncio.run(_open_loop(product.url, headers, paths, rate))
            finally:
                os.sched_setaffinity(0, affinity)
            p50 = statistics.median(latencies)
            p99 = percentile(latencies, 0.99)
            out["endpoints"][name] = {
                "max_rps": run["rps"], "closed_p50_ms": run["p50_ms"],
                "closed_p99_ms": run["p99_ms"], "rate": rate, "requests": len(latencies),
                "achieved_rps": len(latencies) / took, "errors": errors,
                "p50_ms": p50, "p90_ms": percentile(latencies, 0.90), "p99_ms": p99,
                "p999_ms": percentile(latencies, 0.999), "max_ms": max(latencies),
                "ratio": p99 / p50, "passed": p99 <= TARGET * p50,
                "load": [load_before, load_average()[0]],
            }  # fmt: skip
            say(f"  p50 {p50:.1f} ms, p99 {p99:.1f} ms: p99/p50 {p99 / p50:.1f} (errors {errors})")
    return out
