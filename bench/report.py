"""``bench/RESULTS.md`` and its charts, from ``bench/results.json``.

``python -m bench.report`` rewrites them from the last results without measuring.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS_MD = HERE / "RESULTS.md"
CHARTS = HERE / "charts"
NOTES = HERE / "NOTES.md"  # hand-written analysis, kept below the generated tables

# id: (endpoint, what, minimum ratio of product to baseline throughput)
TARGETS = {
    "P1": ("livez", "`GET /livez` vs bare Flask", 0.80),
    "P2": ("get_task", "`GET /api/v1/tasks/{id}` vs raw baseline", 0.50),
    "P3": ("list_tasks", "`GET /api/v1/projects/{id}/tasks?per_page=50` vs raw baseline", 0.45),
    "P4": ("create_task", "`POST /api/v1/projects/{id}/tasks` vs raw baseline", 0.50),
}
OTHER = "bare"  # the name of P1's reference server; "baseline" for the others


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def _spread(runs: list[dict[str, Any]], key: str) -> str:
    values = [run[key] for run in runs]
    return f"{min(values):.0f}-{max(values):.0f}" if len(values) > 1 else "one run"


def ratio_of(endpoint: dict[str, list[dict[str, Any]]]) -> tuple[float, list[float]]:
    """The median product/reference throughput ratio, and each run's own ratio."""
    product = endpoint["product"]
    reference = endpoint.get("baseline") or endpoint[OTHER]
    ratios = [p["rps"] / r["rps"] for p, r in zip(product, reference, strict=False) if r["rps"]]
    # A run pair whose reference answered nothing (timeouts) has no ratio.
    return (statistics.median(ratios) if ratios else float("nan")), ratios


def rows(results: dict[str, Any]) -> list[str]:
    lines = [
        "| target | size | server | endpoint | product req/s (spread) | reference req/s "
        "(spread) | ratio (per run) | target | pass | product CPU ms/req | reference CPU "
        "ms/req | CPU x | product p50/p99 ms |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for size, dataset in results["datasets"].items():
        for server, endpoints in dataset["servers"].items():
            for target, (name, what, minimum) in TARGETS.items():
                if name not in endpoints:
                    continue
                endpoint = endpoints[name]
                product = endpoint["product"]
                reference = endpoint.get("baseline") or endpoint[OTHER]
                ratio, ratios = ratio_of(endpoint)
                cpu_p = _median(product, "cpu_ms_per_request")
                cpu_r = _median(reference, "cpu_ms_per_request")
                passed = ratio >= minimum and (target != "P2" or cpu_p <= 2 * cpu_r)
                lines.append(
                    f"| {target} | {size} | {server} | {what} | "
                    f"{_median(product, 'rps'):.0f} ({_spread(product, 'rps')}) | "
                    f"{_median(reference, 'rps'):.0f} ({_spread(reference, 'rps')}) | "
                    f"{ratio:.2f} ({', '.join(f'{r:.2f}' for r in ratios)}) | ≥ {minimum:.2f} | "
                    f"{'pass' if passed else 'FAIL'} | {cpu_p:.2f} | {cpu_r:.2f} | "
                    f"{cpu_p / cpu_r if cpu_r else float('nan'):.1f} | "
                    f"{_median(product, 'p50_ms'):.1f}/{_median(product, 'p99_ms'):.1f} |"
                )
    return lines


def statements(results: dict[str, Any]) -> list[str]:
    lines = [
        "| size | GET task | list per_page=10 | =50 | =100 | POST task | constant, ≤ 4 (reads) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for size, dataset in results["datasets"].items():
        s = dataset["statements"]
        lists = {s["list10"], s["list50"], s["list100"]}
        ok = len(lists) == 1 and max(s["task"], *lists) <= 4
        lines.append(
            f"| {size} | {s['task']} | {s['list10']} | {s['list50']} | {s['list100']} | "
            f"{s['create']} | {'pass' if ok else 'FAIL'} |"
        )
    return lines


def charts(results: dict[str, Any]) -> list[str]:
    """PNG charts; returns their Markdown image lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    CHARTS.mkdir(exist_ok=True)
    made = []
    first = next(iter(results["datasets"].values()))
    for server, endpoints in first["servers"].items():
        names = [n for n in ("livez", "get_task", "list_tasks", "create_task") if n in endpoints]
        product = [_median(endpoints[n]["product"], "rps") for n in names]
        reference = [
            _median(endpoints[n].get("baseline") or endpoints[n][OTHER], "rps") for n in names
        ]
        figure, axis = plt.subplots(figsize=(8, 4))
        xs = range(len(names))
        axis.bar([x - 0.2 for x in xs], product, width=0.4, label="product")
        axis.bar([x + 0.2 for x in xs], reference, width=0.4, label="baseline / bare Flask")
        axis.set_xticks(list(xs), names)
        axis.set_ylabel("requests per second (median)")
        axis.set_title(f"Throughput, {server}, {next(iter(results['datasets']))} tasks")
        axis.legend()
        path = CHARTS / f"throughput-{server}.png"
        figure.tight_layout()
        figure.savefig(path, dpi=90)
        plt.close(figure)
        made.append(f"![throughput on {server}](charts/{path.name})")

        figure, axis = plt.subplots(figsize=(8, 4))
        for offset, who in ((-0.2, "product"), (0.2, "reference")):
            p50 = []
            p99 = []
            for n in names:
                runs = endpoints[n]["product"] if who == "product" else (
                    endpoints[n].get("baseline") or endpoints[n][OTHER])  # fmt: skip
                p50.append(_median(runs, "p50_ms"))
                p99.append(_median(runs, "p99_ms"))
            axis.bar([x + offset for x in xs], p99, width=0.4, alpha=0.4, label=f"{who} p99")
            axis.bar([x + offset for x in xs], p50, width=0.4, label=f"{who} p50")
        axis.set_xticks(list(xs), names)
        axis.set_ylabel("latency ms (8 connections)")
        axis.set_title(f"Latency percentiles, {server}")
        axis.legend()
        path = CHARTS / f"latency-{server}.png"
        figure.tight_layout()
        figure.savefig(path, dpi=90)
        plt.close(figure)
        made.append(f"![latency on {server}](charts/{path.name})")

    if len(results["datasets"]) > 1:
        figure, axis = plt.subplots(figsize=(8, 4))
        sizes = list(results["datasets"])
        for name in ("get_task", "list_tasks", "create_task"):
            for who in ("product", "baseline"):
                values = []
                for size in sizes:
                    endpoints = results["datasets"][size]["servers"].get("gunicorn", {})
                    values.append(_median(endpoints[name][who], "p50_ms") if name in endpoints
                                  else float("nan"))  # fmt: skip
                axis.plot(sizes, values, marker="o", label=f"{name} {who}",
                          linestyle="-" if who == "product" else "--")  # fmt: skip
        axis.set_ylabel("p50 ms (gunicorn)")
        axis.set_yscale("log")
        axis.set_title("1k → 1M tasks")
        axis.legend(fontsize=7)
        path = CHARTS / "sizes.png"
        figure.tight_layout()
        figure.savefig(path, dpi=90)
        plt.close(figure)
        made.append(f"![1k to 1M](charts/{path.name})")

    servers = list(first["servers"])
    if len(servers) > 1:
        figure, axis = plt.subplots(figsize=(8, 4))
        names = ["livez", "get_task", "list_tasks", "create_task"]
        xs = range(len(names))
        width = 0.8 / len(servers)
        for index, server in enumerate(servers):
            endpoints = first["servers"][server]
            axis.bar([x + index * width for x in xs],
                     [_median(endpoints[n]["product"], "rps") if n in endpoints else 0
                      for n in names], width=width, label=f"product on {server}")  # fmt: skip
        axis.set_xticks([x + width / 2 for x in xs], names)
        axis.set_ylabel("requests per second (median)")
        axis.set_title("gunicorn against granian (the product)")
        axis.legend()
        path = CHARTS / "servers.png"
        figure.tight_layout()
        figure.savefig(path, dpi=90)
        plt.close(figure)
        made.append(f"![gunicorn against granian](charts/{path.name})")
    return made


def write(results: dict[str, Any]) -> None:
    machine = results["machine"]
    lines = [
        "# Benchmark results (quality.md P1-P10)",
        "",
        "Generated by `make bench` (`python -m bench`, then `python -m bench.report`); the "
        "analysis below the tables is hand-written in `bench/NOTES.md`.",
        "",
        f"- Command: `{results['command']}`; started {results['started']}, finished "
        f"{results['finished']}.",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, Python {machine['python']}, "
        f"{machine['platform']}; load average at start {machine['load_average']} "
        "(the cores are shared with other work: ratios measured side by side are the "
        "figures, absolute numbers drift).",
        f"- Method: each server with {results['workers']} workers; `wrk -t1 "
        f"-c{results['connections']}` pinned to one core (`taskset`), Lua scripts for "
        f"bearer tokens, random ids, random pages and POST bodies; a warm-up, then "
        f"{results['runs']} run(s) of {results['seconds']:g} s per side, product and "
        "reference alternating (order flipped each run); medians, min-max spread, and the "
        "ratio of each run pair. CPU ms/req: user + system time of the server's processes "
        "over the run / requests.",
        "",
        "## P1-P4: throughput against the reference",
        "",
        *rows(results),
        "",
        "## P5: SQL statements per API request",
        "",
        "Counted in process with a SQLAlchemy `before_cursor_execute` listener (the same "
        "counter `tests/api/test_statement_counts.py` asserts). The baseline sends, by "
        "construction, the same statements (`bench/baseline/app.py`, `SQL`).",
        "",
        *statements(results),
        "",
        "## Charts",
        "",
        *charts(results),
        "",
    ]
    if NOTES.exists():
        lines += [NOTES.read_text()]
    RESULTS_MD.write_text("\n".join(lines))


if __name__ == "__main__":
    write(json.loads((HERE / "results.json").read_text()))
