"""P6: the API's list and search latency at 1M tasks against 1k (target ≤ 1.25x).

Every size is served at once (gunicorn, 2 sync workers each, production settings) and
one client sends the requests one at a time, alternating the sizes in each round (the
order rotates every round), so each size's p50 is taken under the same load. Measured
per size: the first page, a keyset page 200 deep (the ``next_cursor`` of page 199,
found by following the cursors), a filtered list (status + assignee), a text search,
and, as the counter-example, page 200 by number (``?page=200``: an OFFSET).

The deep pages use ``per_page=5`` so that page 200 exists at 1k tasks too (1,000
tasks); the other lists use ``per_page=50``. The dataset puts every task in one
project: the worst case for a project's list.
"""

from __future__ import annotations

import argparse
import statistics
import time
from contextlib import ExitStack
from typing import Any

import httpx

from bench import data
from bench import inprocess
from bench.serve import load_average
from bench.serve import say
from bench.serve import serving

DEEP_PER_PAGE = 5
DEEP_PAGE = 200
TARGET = 1.25
# name: (what, path); {cursor} is filled per size after following the cursors.
REQUESTS = {
    "first_page": ("first page, per_page=50", "/api/v1/projects/1/tasks?per_page=50"),
    "keyset_200": (
        f"keyset page {DEEP_PAGE} (cursor, per_page={DEEP_PER_PAGE})",
        f"/api/v1/projects/1/tasks?per_page={DEEP_PER_PAGE}&cursor={{cursor}}",
    ),
    "filtered": (
        "filtered: status=todo&assignee=me, per_page=50",
        "/api/v1/projects/1/tasks?per_page=50&status=todo&assignee=me",
    ),
    "search": ("text search: GET /api/v1/search?q=503 ship", "/api/v1/search?q=503%20ship"),
    "offset_200": (
        f"OFFSET page {DEEP_PAGE} (?page={DEEP_PAGE}, per_page={DEEP_PER_PAGE}): counter-example",
        f"/api/v1/projects/1/tasks?per_page={DEEP_PER_PAGE}&page={DEEP_PAGE}",
    ),
}
COUNTER_EXAMPLE = "offset_200"


def _deep_cursor(client: httpx.Client, base: str) -> str:
    """The cursor of page ``DEEP_PAGE``: follow ``next_cursor`` from the first page."""
    path = f"/api/v1/projects/1/tasks?per_page={DEEP_PER_PAGE}"
    cursor = ""
    for _ in range(DEEP_PAGE - 1):
        answer = client.get(base + path + (f"&cursor={cursor}" if cursor else ""))
        answer.raise_for_status()
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            raise RuntimeError(f"{base}: fewer than {DEEP_PAGE} pages of {DEEP_PER_PAGE}")
    return cursor


def _timed(client: httpx.Client, url: str) -> float:
    start = time.perf_counter()
    answer = client.get(url)
    elapsed = time.perf_counter() - start
    if answer.status_code != 200:
        raise RuntimeError(f"GET {url} answered {answer.status_code}: {answer.text[:300]}")
    return 1000 * elapsed


def run(args: argparse.Namespace, redis_url: str) -> dict[str, Any] | None:
    sizes = list(dict.fromkeys(args.sizes))
    if len(sizes) < 2:
        say("P6: skipped: needs two sizes (e.g. --sizes 1k 1m)")
        return None
    rounds = 5 if args.quick else max(10, 3 * args.runs)
    datasets = [data.ensure(size, log=say) for size in sizes]
    samples: dict[str, dict[str, list[float]]] = {s: {n: [] for n in REQUESTS} for s in sizes}
    loads: list[float] = []
    with ExitStack() as stack:
        from taskmanager import create_app

        app = create_app(inprocess.product_config(datasets[0], redis_url))
        token = inprocess.access_token(app, datasets[0])  # same user, family and key everywhere
        headers = {"Authorization": f"Bearer {token}", **inprocess.HEADERS}
        client = stack.enter_context(httpx.Client(headers=headers, timeout=120))
        bases: dict[str, str] = {}
        cursors: dict[str, str] = {}
        for dataset in datasets:
            env = {**inprocess.product_environment(dataset, redis_url)}
            server = stack.enter_context(
                serving(f"product-{dataset.name}", "taskmanager.wsgi:app", "gunicorn", env)
            )
            bases[dataset.name] = server.url
            say(f"P6 {dataset.name}: following {DEEP_PAGE - 1} cursors to page {DEEP_PAGE}")
            cursors[dataset.name] = _deep_cursor(client, server.url)
        say(f"P6: {rounds} rounds of {len(REQUESTS)} requests per size, sizes alternating")
        for number in range(rounds + 1):  # round 0 warms up and is not kept
            order = sizes[number % len(sizes) :] + sizes[: number % len(sizes)]
            for name, (_, path) in REQUESTS.items():
                for size in order:
                    url = bases[size] + path.format(cursor=cursors[size])
                    elapsed = _timed(client, url)
                    if number:
                        samples[size][name].append(elapsed)
            loads.append(load_average()[0])
            if number:
                first = {s: statistics.median(samples[s]["first_page"]) for s in sizes}
                say(f"  round {number}/{rounds}: first page p50 so far "
                    + ", ".join(f"{s} {v:.0f} ms" for s, v in first.items()))  # fmt: skip
    small, large = sizes[0], sizes[-1]
    rows = {}
    for name, (what, path) in REQUESTS.items():
        p50 = {s: statistics.median(samples[s][name]) for s in sizes}
        ratio = p50[large] / p50[small]
        rows[name] = {
            "what": what, "path": path, "p50_ms": p50,
            "spread_ms": {s: [min(samples[s][name]), max(samples[s][name])] for s in sizes},
            "ratio": ratio, "counter_example": name == COUNTER_EXAMPLE,
            "passed": ratio <= TARGET,
        }  # fmt: skip
    return {
        "sizes": sizes, "rounds": rounds, "target": TARGET, "requests": rows,
        "load_during": [min(loads), max(loads)],
        "method": "one client, sequential requests, sizes alternating each round "
        "(rotating order); gunicorn sync, 2 workers per size; p50 of the rounds",
    }  # fmt: skip
