"""P6: the API's list and search latency at 1M tasks against 1k (target ≤ 1.25x).

Every size is served at once (gunicorn, 2 sync workers each, production settings) and
one client sends the requests one at a time, alternating the sizes in each round (the
order rotates every round), so each size's p50 is taken under the same load. Measured
per size: the first page, a keyset page 200 deep (the ``next_cursor`` of page 199,
found by following the cursors), a filtered list (status + assignee), a text search,
and, as the counter-example, page 200 by number (``?page=200``: an OFFSET).

The deep pages use ``per_page=5`` so that page 200 exists at 1k tasks too (1,000
tasks); the first page uses ``per_page=50``. The dataset puts every task in one
project: the worst case for a project's list.

Each judged request answers as many tasks at both sizes, so the ratio is what the size
of the table costs, not the size of the answer: the filtered list matches 16 tasks at
1k (16,666 at 1M) and is asked ``per_page=10``; the search matches one task at 1k (223
at 1M) and is asked ``per_page=1`` (more matches at 1M still cost: they are found,
counted and sorted). The same two with the pages people ask for (50 and 20) are shown
beside them, not judged: at 1M they answer 50 and 20 tasks against 16 and 1, so their
ratio also holds the work of 34 and 19 more tasks read, checked and serialized. A run
checks that the judged requests answered as many tasks at both sizes.
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
        "filtered: status=todo&assignee=me, per_page=10 (10 tasks at both sizes)",
        "/api/v1/projects/1/tasks?per_page=10&status=todo&assignee=me",
    ),
    "search": (
        "text search: GET /api/v1/search?q=503 ship&per_page=1 (1 task at both sizes)",
        "/api/v1/search?q=503%20ship&per_page=1",
    ),
    "filtered_50": (
        "filtered, per_page=50: 16 tasks at 1k, 50 at 1M (shown, not judged)",
        "/api/v1/projects/1/tasks?per_page=50&status=todo&assignee=me",
    ),
    "search_20": (
        "text search, per_page=20: 1 task at 1k, 20 at 1M (shown, not judged)",
        "/api/v1/search?q=503%20ship",
    ),
    "offset_200": (
        f"OFFSET page {DEEP_PAGE} (?page={DEEP_PAGE}, per_page={DEEP_PER_PAGE}): counter-example",
        f"/api/v1/projects/1/tasks?per_page={DEEP_PER_PAGE}&page={DEEP_PAGE}",
    ),
}
# Measured and shown, not judged: what each one shows instead of a verdict.
NOT_JUDGED = {
    "offset_200": "counter-example",
    "filtered_50": "unequal answers",
    "search_20": "unequal answers",
}


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


def _timed(client: httpx.Client, url: str) -> tuple[float, int]:
    """Milliseconds for ``GET url``, and how many items it answered."""
    start = time.perf_counter()
    answer = client.get(url)
    elapsed = time.perf_counter() - start
    if answer.status_code != 200:
        raise RuntimeError(f"GET {url} answered {answer.status_code}: {answer.text[:300]}")
    return 1000 * elapsed, len(answer.json()["items"])


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
                answered = set()
                for size in order:
                    url = bases[size] + path.format(cursor=cursors[size])
                    elapsed, items = _timed(client, url)
                    answered.add(items)
                    if number:
                        samples[size][name].append(elapsed)
                if name not in NOT_JUDGED and len(answered) > 1:
                    raise RuntimeError(f"P6 {name}: {sorted(answered)} items: unequal answers")
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
            "ratio": ratio, "counter_example": name in NOT_JUDGED,
            "shown_as": NOT_JUDGED.get(name), "passed": ratio <= TARGET,
        }  # fmt: skip
    return {
        "sizes": sizes, "rounds": rounds, "target": TARGET, "requests": rows,
        "load_during": [min(loads), max(loads)],
        "method": "one client, sequential requests, sizes alternating each round "
        "(rotating order); gunicorn sync, 2 workers per size; p50 of the rounds",
    }  # fmt: skip
