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

The max sustainable rate is what the server answers per second when this generator
offers it wrk's closed-loop rate for a short probe (the generator's own CPU competes
on 2 cores). A run at 80% of it counts only if it kept up (answered at ≥ 95% of the
offered rate, with a median below the closed loop's, where 8 requests are always in
flight); if not, the max was lower: 80% of what that run answered is tried
next (3 tries at most).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx

from bench import data
from bench import inprocess
from bench.serve import WRK_CORE
from bench.serve import Server
from bench.serve import interleaved
from bench.serve import load_average
from bench.serve import say
from bench.serve import serving

SLOTS = 64
SHARE = 0.8
KEPT_UP = 0.95  # answered at >= 95% of the offered rate: the queue did not grow
PROBE_SECONDS = 8.0
ATTEMPTS = 3
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


def _measure(base: str, headers: dict[str, str], paths: list[str], rate: float) -> dict[str, Any]:
    """One open-loop run on wrk's core, as the closed-loop runs were; its figures."""
    affinity = os.sched_getaffinity(0)
    with contextlib.suppress(OSError):
        os.sched_setaffinity(0, {WRK_CORE})
    load_before = load_average()[0]
    try:
        latencies, errors, took = asyncio.run(_open_loop(base, headers, paths, rate))
    finally:
        os.sched_setaffinity(0, affinity)
    p50 = statistics.median(latencies)
    p99 = percentile(latencies, 0.99)
    achieved = len(latencies) / took
    return {
        "rate": rate, "requests": len(latencies), "achieved_rps": achieved, "errors": errors,
        "p50_ms": p50, "p90_ms": percentile(latencies, 0.90), "p99_ms": p99,
        "p999_ms": percentile(latencies, 0.999), "max_ms": max(latencies),
        "ratio": p99 / p50, "load": [load_before, load_average()[0]],
        # Kept up: what was sent in the window was answered at about the rate it was sent
        # (a growing queue drains after the schedule ends, so the achieved rate drops).
        "sustained": achieved >= KEPT_UP * rate,
    }  # fmt: skip


def _endpoint(server: Server, name: str, args: argparse.Namespace, lua: dict[str, str],
              headers: dict[str, str], paths: Callable[[str, float, float], list[str]],
              seconds: float) -> dict[str, Any]:  # fmt: skip
    """The max sustainable rate of ``server`` for ``name``, then a run at 80% of it."""
    from bench.__main__ import ENDPOINTS as WRK_ENDPOINTS

    script, extra, _ = WRK_ENDPOINTS[name]
    say(f"P7 {name} ({server.name}): max rate, closed loop (wrk -c8, {args.seconds:g} s)")
    closed = interleaved([server], script, {**lua, **extra}, runs=1, seconds=args.seconds,
                         warmup=args.warmup)  # fmt: skip
    wrk_run = closed[server.name][0]
    # The max sustainable rate: what the server answers per second when this generator
    # offers it wrk's closed-loop rate (the generator costs CPU too).
    probe = _measure(server.url, headers, paths(name, wrk_run["rps"], PROBE_SECONDS),
                     wrk_run["rps"])  # fmt: skip
    capacity = min(wrk_run["rps"], probe["achieved_rps"])
    attempts = []
    for _ in range(ATTEMPTS):
        rate = SHARE * capacity
        say(f"P7 {name} ({server.name}): open loop at {rate:.1f} req/s ({SHARE:.0%} of "
            f"{capacity:.1f}) for {seconds:g} s")  # fmt: skip
        measured = _measure(server.url, headers, paths(name, rate, seconds), rate)
        # A queue that grew and drained still answers every request in the end; its
        # median then exceeds even the closed loop's (8 requests always in flight).
        measured["sustained"] = measured["sustained"] and measured["p50_ms"] <= wrk_run["p50_ms"]
        attempts.append(measured)
        say(f"  p50 {measured['p50_ms']:.1f} ms, p99 {measured['p99_ms']:.1f} ms: p99/p50 "
            f"{measured['ratio']:.1f}; answered {measured['achieved_rps']:.1f} req/s"
            f"{'' if measured['sustained'] else ': not kept up, a lower max'}")  # fmt: skip
        if measured["sustained"]:
            break
        capacity = measured["achieved_rps"]  # the max was lower than estimated
    final = attempts[-1]
    return {
        **final, "max_rps": wrk_run["rps"], "closed_p50_ms": wrk_run["p50_ms"],
        "closed_p99_ms": wrk_run["p99_ms"], "probe_rps": probe["achieved_rps"],
        "capacity": capacity, "attempts": len(attempts),
        "passed": final["sustained"] and final["p99_ms"] <= TARGET * final["p50_ms"],
    }  # fmt: skip


def run(args: argparse.Namespace, redis_url: str) -> dict[str, Any]:
    from bench.__main__ import lua_environment
    from bench.__main__ import product_environment
    from taskmanager import create_app

    dataset = data.ensure(args.sizes[0], log=say)
    app = create_app(inprocess.product_config(dataset, redis_url))
    token = inprocess.access_token(app, dataset)
    headers = {"Authorization": f"Bearer {token}", **inprocess.HEADERS}
    seconds = 10.0 if args.quick else 30.0
    rng = random.Random(17)  # noqa: S311 (request ids, not secrets)

    def paths(name: str, rate: float, duration: float) -> list[str]:
        return [_path(name, dataset, rng) for _ in range(max(50, round(rate * duration)))]

    out: dict[str, Any] = {"size": dataset.name, "server": "gunicorn", "share": SHARE,
                           "target": TARGET, "seconds": seconds, "endpoints": {},
                           "reference": {}}  # fmt: skip
    baseline_env = {"BENCH_DATABASE_URL": dataset.url, "BENCH_SECRET_KEY": inprocess.SECRET_KEY,
                    "BENCH_REDIS_URL": redis_url}  # fmt: skip
    lua = lua_environment(dataset, token)
    with (
        serving("product", "taskmanager.wsgi:app", "gunicorn",
                product_environment(dataset, redis_url)) as product,
        serving("baseline", "bench.baseline.app:create_app", "gunicorn", baseline_env,
                factory=True) as baseline,
    ):  # fmt: skip
        for name in ENDPOINTS:
            # The raw baseline alike, right after: a control for what the machine adds.
            for server, into in ((product, "endpoints"), (baseline, "reference")):
                out[into][name] = _endpoint(server, name, args, lua, headers, paths, seconds)
    return out
