"""RESULTS.md's summary of every P target, and the sections and charts of P5's
cross-check and P6-P10 (``results["targets"]``); ``bench/report.py`` assembles them."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from bench import report_rows

MB = "MB"


def _verdict(passed: bool | None) -> str:
    return "-" if passed is None else ("pass" if passed else "FAIL")


def _when(entry: dict[str, Any]) -> str:
    load = entry.get("load_average") or ["?"]
    return f"`{entry.get('command', '?')}`, {entry.get('started', '?')}, load {load[0]}"


def summary(results: dict[str, Any]) -> list[str]:
    """One row per P target: the figure, the target, pass or fail, spread, how and when."""
    lines = [
        "| id | figure | target | pass | spread | command, started (UTC), load average |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    datasets = results.get("datasets", {})
    when = (f"`{results.get('command', '?')}`, {results.get('started', '?')}, load "
            f"{(results.get('machine') or {}).get('load_average', ['?'])[0]}")  # fmt: skip
    for target, (_, _, minimum) in report_rows.TARGETS.items():
        figures, spreads, verdicts, runs = [], [], [], []
        for size, dataset in datasets.items():
            for server, endpoints in dataset.get("servers", {}).items():
                row = report_rows.row(target, endpoints)
                if row is None:
                    continue
                figures.append(f"{row['ratio']:.2f} ({size}, {server})")
                spreads.append(f"{min(row['ratios'], default=0):.2f}-"
                               f"{max(row['ratios'], default=0):.2f}")  # fmt: skip
                verdicts.append(row["passed"])
                if row["measured"]:
                    m = row["measured"]
                    runs.append(f"`{m['command']}`, {m['started']}, load {m['load'][0]}")
        lines.append(
            f"| {target} | {'; '.join(figures) or 'not measured'} | ≥ {minimum:.2f} of the "
            f"reference's req/s{' and ≤ 2x its CPU' if target == 'P2' else ''} | "
            f"{_verdict(all(verdicts) if verdicts else None)} | {'; '.join(spreads)} | "
            f"{'; '.join(dict.fromkeys(runs)) or when} |"
        )
    targets = {k: v for k, v in results.get("targets", {}).items() if "error" not in v}
    failed = {k: v for k, v in results.get("targets", {}).items() if "error" in v}
    p5 = [d["statements"] for d in datasets.values() if "statements" in d]
    if p5:
        reads = {s["list10"] for s in p5} | {s["list50"] for s in p5} | {s["list100"] for s in p5}
        ok = len(reads) == 1 and max(max(s["task"] for s in p5), *reads) <= 4
        cross = targets.get("P5")
        agreed = (
            ""
            if cross is None
            else (
                "; pg_stat_statements agrees" if cross["passed"] else "; pg_stat_statements DIFFERS"
            )
        )
        lines.append(
            f"| P5 | task {p5[0]['task']}, pages {sorted(reads)}, create {p5[0]['create']}{agreed} "
            f"| constant, ≤ 4 | {_verdict(ok and (cross is None or cross['passed']))} | - | "
            f"{_when(cross) if cross else when} |"
        )
    if "P6" in targets:
        t = targets["P6"]
        kept = {n: r for n, r in t["requests"].items() if not r["counter_example"]}
        worst = max(kept, key=lambda n: kept[n]["ratio"])
        lines.append(
            f"| P6 | worst {kept[worst]['ratio']:.1f}x ({worst}); "
            + ", ".join(f"{n} {r['ratio']:.1f}x" for n, r in t["requests"].items())
            + f" ({t['sizes'][-1]} ÷ {t['sizes'][0]} p50) | ≤ {t['target']}x | "
            f"{_verdict(all(r['passed'] for r in kept.values()))} | {t['rounds']} rounds, load "
            f"{t['load_during'][0]}-{t['load_during'][1]} | {_when(t)} |"
        )
    if "P7" in targets:
        t = targets["P7"]
        e = t["endpoints"]
        lines.append(
            "| P7 | "
            + ", ".join(
                f"{n} p99/p50 {r['ratio']:.1f} ({r['p50_ms']:.0f}/"
                f"{r['p99_ms']:.0f} ms at {r['rate']:.0f} req/s)"
                for n, r in e.items()
            )
            + f" | p99 ≤ {t['target']:g}x p50 | {_verdict(all(r['passed'] for r in e.values()))} "
            f"| {min(r['requests'] for r in e.values())}+ requests each | {_when(t)} |"
        )
    if "P8" in targets:
        t = targets["P8"]
        lines.append(
            f"| P8 | {t['growth_mb']:.1f} MB growth ({t['rss_mb']:.0f} → {t['peak_mb']:.0f} MB) "
            f"for {t['size_mb']} MB | < {t['bound_mb']} MB | {_verdict(t['passed'])} | one run "
            f"| {_when(t)} |"
        )
    if "P9" in targets:
        t = targets["P9"]
        lines.append(
            f"| P9 | {t['ratio']:.2f} of the smtplib loop ({t['emails']} emails) | ≥ "
            f"{t['target']:.2f} | {_verdict(t['passed'])} | "
            f"{', '.join(f'{r:.2f}' for r in t['ratios'])} | {_when(t)} |"
        )
    if "P10" in targets:
        t = targets["P10"]
        worst = min(t["cells"], key=lambda c: c["ratio"])
        lines.append(
            f"| P10 | worst {worst['ratio']:.2f}x ({worst['setup']} {worst['endpoint']}); "
            f"{sum(c['passed'] for c in t['cells'])} of {len(t['cells'])} cells lead | ≥ 1.0x "
            f"every endpoint | {_verdict(t['passed'])} | comparison measured {t['measured']} "
            f"({t['runs']} runs) | {_when(t)} |"
        )
    for target, t in failed.items():
        lines.append(f"| {target} | not measured: the run failed ({t['error']}) | | FAIL | | "
                     f"{_when(t)} |")  # fmt: skip
    return lines


def sections(results: dict[str, Any], charts: Path) -> list[str]:
    """The detail sections of P5's cross-check and P6-P10, with their charts."""
    from bench import report_charts

    targets = {k: v for k, v in results.get("targets", {}).items() if "error" not in v}
    lines: list[str] = []
    if "P5" in targets:
        lines += report_rows.pgstat_section(targets["P5"])
    if "P6" in targets:
        lines += report_rows.scaling_section(targets["P6"])
        lines += [report_charts.scaling(targets["P6"], charts), ""]
    if "P7" in targets:
        lines += report_rows.openloop_section(targets["P7"])
        lines += [report_charts.percentiles(targets["P7"], charts), ""]
    if "P8" in targets:
        t = targets["P8"]
        lines += [
            "## P8: a worker's RSS during a 200 MB upload and download", "",
            f"{t['server']}; `bench/memory.py` (`transfer_growth`, the measurement "
            "`tests/attachments/test_memory.py` asserts): after a warm-up, `clear_refs` resets "
            "the worker's VmHWM; a 200 MB multipart upload streamed in 1 MB blocks, then its "
            f"download; peak - RSS before: **{t['growth_mb']:.1f} MB** (RSS {t['rss_mb']:.1f} → "
            f"peak {t['peak_mb']:.1f} MB; bound {t['bound_mb']} MB). {_when(t)}.", "",
        ]  # fmt: skip
    if "P9" in targets:
        lines += report_rows.email_section(targets["P9"])
    if "P10" in targets:
        lines += report_rows.compare_section(targets["P10"])
    return lines


def median(values: list[float]) -> float:
    return statistics.median(values)
