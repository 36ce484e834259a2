"""RESULTS.md and the PNG chart, from the benchmark's raw results."""

from __future__ import annotations

import statistics
from collections import defaultdict
from importlib import metadata
from pathlib import Path
from typing import Any

APPS = ["flask", "django", "fastapi"]
TITLES = {"flask": "Flask", "django": "Django", "fastapi": "FastAPI"}
SETUPS = {
    "idiomatic": "Idiomatic servers: gunicorn (sync) for Flask and Django, uvicorn for FastAPI",
    "granian": "One common server: granian (WSGI for Flask and Django, ASGI for FastAPI)",
}
PACKAGES = [
    "flask", "flask-sqlalchemy", "flask-jwt-extended", "django", "fastapi", "pydantic",
    "sqlalchemy", "psycopg", "gunicorn", "uvicorn", "granian",
]  # fmt: skip

Cell = dict[str, float]


def summarise(results: list[dict[str, Any]]) -> dict[tuple[str, str, str], Cell]:
    """Median and spread per (setup, endpoint, app) over the measured runs."""
    runs: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for result in results:
        runs[(result["setup"], result["endpoint"], result["app"])].append(result)
    cells = {}
    for key, group in runs.items():
        rps = [r["rps"] for r in group]
        cells[key] = {
            "rps": statistics.median(rps),
            "rps_min": min(rps),
            "rps_max": max(rps),
            "p50": statistics.median(r["p50_ms"] for r in group),
            "p99": statistics.median(r["p99_ms"] for r in group),
            "cpu": statistics.median(r["cpu_ms_per_request"] for r in group),
            "errors": sum(r["errors"] for r in group),
            "runs": len(group),
        }
    return cells


def _ordered(values: list[str], order: list[str]) -> list[str]:
    return sorted(set(values), key=lambda v: order.index(v) if v in order else len(order))


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def markdown(document: dict[str, Any], chart_name: str) -> str:
    meta, results = document["meta"], document["results"]
    cells = summarise(results)
    setups = _ordered([r["setup"] for r in results], list(SETUPS))
    endpoints = _ordered([r["endpoint"] for r in results], [r["endpoint"] for r in results])
    lines = [
        "# Comparison results: one blog, three frameworks",
        "",
        f"Measured {meta['date']} on this machine ({meta['cpus']} CPUs, Python {meta['python']}) "
        f"in {meta['elapsed_s']} s by:",
        "",
        "```",
        "make compare        # = .venv/bin/python -m comparison.bench",
        "```",
        "",
        f"![requests per second]({chart_name})",
        "",
        "## Flask against the faster of Django and FastAPI (P10: ≥ 1.0x)",
        "",
        "| setup | " + " | ".join(endpoints) + " |",
        "| --- | " + " | ".join("---:" for _ in endpoints) + " |",
    ]
    for setup in setups:
        ratios = []
        for endpoint in endpoints:
            flask = cells[(setup, endpoint, "flask")]["rps"]
            best = max(cells[(setup, endpoint, app)]["rps"] for app in APPS if app != "flask")
            ratio = flask / best
            ratios.append(f"{ratio:.2f}x {'✅' if ratio >= 1.0 else '❌'}")
        lines.append(f"| {setup} | " + " | ".join(ratios) + " |")
    for setup in setups:
        lines += [
            "",
            f"## {SETUPS.get(setup, setup)}",
            "",
            "| endpoint | framework | req/s (median) | req/s (min-max) | p50 ms | p99 ms "
            "| server CPU ms/request | errors |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for endpoint in endpoints:
            for app in APPS:
                c = cells[(setup, endpoint, app)]
                lines.append(
                    f"| {endpoint} | {TITLES[app]} | {c['rps']:,.0f} | "
                    f"{c['rps_min']:,.0f}-{c['rps_max']:,.0f} | {c['p50']:.2f} | {c['p99']:.2f} | "
                    f"{c['cpu']:.3f} | {c['errors']:.0f} |"
                )
    lines += [
        "",
        "## How each figure was produced",
        "",
        f"- **Data**: each app's own PostgreSQL database (`blog_flask`, `blog_django`, "
        f"`blog_fastapi`) on the same server at 127.0.0.1:5432, schema by the app's own "
        f"migrations. {meta['users']} users registered through each app's API (so each "
        f"hashes passwords its own way), then {meta['posts']:,} posts inserted by "
        "`generate_series` and `VACUUM ANALYZE`d; the posts are re-seeded before each setup.",
        f"- **Servers**: started by `python -m comparison serve <app> --workers "
        f"{meta['workers']} --server <server> --database-url postgresql+psycopg://…`, all "
        "three at once on loopback ports, default server settings otherwise (gunicorn sync "
        "workers, `uvicorn --workers`, granian's defaults except `--blocking-threads 8` for "
        "WSGI, see `comparison/launcher.py`; access logs off).",
        f"- **Load**: `taskset -c {meta['wrk_core']} wrk -t1 -c{meta['connections']} "
        f"-d{meta['duration_s']:g}s --latency` (Lua scripts in `comparison/bench/lua/`: a "
        "random seeded id for the single post, a Bearer header and JSON body for create). "
        f"Per endpoint and app: one {meta['warmup_s']:g} s warm-up, then {meta['runs']} "
        "measured runs, interleaved across the three apps.",
        "- **req/s**: wrk's `Requests/sec`; median of the runs, with the slowest and fastest run.",
        "- **p50 / p99**: wrk's latency distribution (`--latency`), median over the runs.",
        "- **server CPU ms/request**: user + system CPU time of the server's master and worker "
        "processes (psutil, read before and after each run) divided by the requests wrk "
        "completed; median over the runs.",
        "- **errors**: non-2xx answers plus socket errors, summed over the runs.",
        "- **endpoints**: `health` = `GET /api/v1/health` (no database); `single post` = "
        "`GET /api/v1/posts/<id>`; `list page` = `GET /api/v1/posts?page=1` (20 posts and "
        "the total count); `create post` = authenticated `POST /api/v1/posts`.",
        "- Two cores are shared by wrk, PostgreSQL and the server under test: the figures "
        "are for comparing the three apps side by side in one run, not absolute capacity."
        + (
            f" One-minute load average: {meta['loadavg_start']} at the start, "
            f"{meta['loadavg_end']} at the end."
            if "loadavg_start" in meta
            else ""
        ),
        "",
        "Versions: " + ", ".join(f"{p} {_version(p)}" for p in PACKAGES) + ".",
        "",
        f"Raw per-run figures: `comparison/bench/results.json`. Command line: `{meta['command']}`.",
        "",
    ]
    return "\n".join(lines)


def chart(document: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = document["results"]
    cells = summarise(results)
    setups = _ordered([r["setup"] for r in results], list(SETUPS))
    endpoints = _ordered([r["endpoint"] for r in results], [r["endpoint"] for r in results])
    figure, axes = plt.subplots(1, len(setups), figsize=(6 * len(setups), 4.5), squeeze=False)
    width = 0.26
    for axis, setup in zip(axes[0], setups, strict=True):
        for index, app in enumerate(APPS):
            values = [cells[(setup, e, app)] for e in endpoints]
            positions = [x + (index - 1) * width for x in range(len(endpoints))]
            heights = [v["rps"] for v in values]
            spread = [
                [v["rps"] - v["rps_min"] for v in values],
                [v["rps_max"] - v["rps"] for v in values],
            ]
            axis.bar(positions, heights, width, yerr=spread, capsize=3, label=TITLES[app])
        axis.set_xticks(range(len(endpoints)), endpoints)
        axis.set_title(
            {"idiomatic": "Idiomatic servers", "granian": "All on granian"}.get(setup, setup)
        )
        axis.set_ylabel("requests per second (median, min-max)")
        axis.grid(axis="y", alpha=0.3)
        axis.legend()
    figure.suptitle("One blog, three frameworks: 2 workers each, PostgreSQL, wrk")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write_report(document: dict[str, Any], markdown_path: Path, chart_path: Path) -> None:
    chart(document, chart_path)
    relative = chart_path.relative_to(markdown_path.parent)
    markdown_path.write_text(markdown(document, str(relative)))


if __name__ == "__main__":
    import json
    import sys

    source = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("results.json")
    here = Path(__file__).resolve().parent
    write_report(json.loads(source.read_text()), here.parent / "RESULTS.md", here / "results.png")
