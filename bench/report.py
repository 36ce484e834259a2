"""``bench/RESULTS.md`` and its charts, from ``bench/results.json``.

``python -m bench.report`` rewrites them from the last results without measuring.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench import report_rows
from bench import report_targets

HERE = Path(__file__).resolve().parent
RESULTS_MD = HERE / "RESULTS.md"
CHARTS = HERE / "charts"
NOTES = HERE / "NOTES.md"  # hand-written analysis, kept below the generated tables

TARGETS = report_rows.TARGETS
OTHER = report_rows.OTHER
_median = report_rows.median
ratio_of = report_rows.ratio_of


def _spread(runs: list[dict[str, Any]], key: str) -> str:
    values = [run[key] for run in runs]
    return f"{min(values):.0f}-{max(values):.0f}" if len(values) > 1 else "one run"


def rows(results: dict[str, Any]) -> list[str]:
    lines = [
        "| target | size | server | endpoint | product req/s (spread) | reference req/s "
        "(spread) | ratio (per run) | target | pass | product CPU ms/req | reference CPU "
        "ms/req | CPU x | product p50/p99 ms | load |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: "
        "| --- |",
    ]
    for size, dataset in results.get("datasets", {}).items():
        for server, endpoints in dataset.get("servers", {}).items():
            for target, (name, what, minimum) in TARGETS.items():
                figures = report_rows.row(target, endpoints)
                if figures is None:
                    continue
                product = endpoints[name]["product"]
                reference = report_rows.reference(endpoints[name])
                cpu_p, cpu_r = figures["cpu_product"], figures["cpu_reference"]
                loads = figures["loads"]
                lines.append(
                    f"| {target} | {size} | {server} | {what} | "
                    f"{_median(product, 'rps'):.0f} ({_spread(product, 'rps')}) | "
                    f"{_median(reference, 'rps'):.0f} ({_spread(reference, 'rps')}) | "
                    f"{figures['ratio']:.2f} ({', '.join(f'{r:.2f}' for r in figures['ratios'])})"
                    f" | ≥ {minimum:.2f} | {'pass' if figures['passed'] else 'FAIL'} | "
                    f"{cpu_p:.2f} | {cpu_r:.2f} | "
                    f"{cpu_p / cpu_r if cpu_r else float('nan'):.1f} | "
                    f"{_median(product, 'p50_ms'):.1f}/{_median(product, 'p99_ms'):.1f} | "
                    f"{f'{min(loads):.1f}-{max(loads):.1f}' if loads else '-'} |"
                )
    return lines


def statements(results: dict[str, Any]) -> list[str]:
    lines = [
        "| size | GET task | list per_page=10 | =50 | =100 | POST task | constant, ≤ 4 (reads) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for size, dataset in results.get("datasets", {}).items():
        if "statements" not in dataset:
            continue
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
    made: list[str] = []
    measured = [d for d in results.get("datasets", {}).values() if d.get("servers")]
    if not measured:
        return made
    first = measured[0]
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
        "analysis below the tables is hand-written in `bench/NOTES.md`. A run replaces only "
        "what it measured (`--only P6,P9`), so each row says its own command, time and load.",
        "",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, Python {machine['python']}, "
        f"{machine['platform']} (the cores are shared with other work: ratios measured side "
        "by side are the figures, absolute numbers drift with the load average shown).",
        "",
        "## Every target",
        "",
        *report_targets.summary(results),
        "",
    ]
    if results.get("datasets"):
        lines += [
            "## P1-P4: throughput against the reference",
            "",
            f"- Command: `{results.get('command')}`; started {results.get('started')}, finished "
            f"{results.get('finished')}; load average at start "
            f"{machine.get('load_average')}.",
            f"- Method: each server with {results.get('workers')} workers; `wrk -t1 "
            f"-c{results.get('connections')}` pinned to one core (`taskset`), Lua scripts for "
            "bearer tokens, random ids, random pages and POST bodies; a warm-up, then "
            f"{results.get('runs')} run(s) of {results.get('seconds')} s per side, product and "
            "reference alternating (order flipped each run); medians, min-max spread, and the "
            "ratio of each run pair. CPU ms/req: user + system time of the server's processes "
            "over the run / requests. Load: the 1-minute load average after each product run.",
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
        ]
    lines += [*report_targets.sections(results, CHARTS), "## Charts of P1-P4", "",
              *charts(results), ""]  # fmt: skip
    if NOTES.exists():
        lines += [NOTES.read_text()]
    RESULTS_MD.write_text("\n".join(lines))


if __name__ == "__main__":
    write(json.loads((HERE / "results.json").read_text()))
