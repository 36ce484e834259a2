"""The figures of each target, as RESULTS.md shows them: P1-P4 rows and the detail
sections of P5's cross-check, P6, P7, P9 and P10."""

from __future__ import annotations

import statistics
from typing import Any

# id: (endpoint, what, minimum ratio of product to reference throughput)
TARGETS = {
    "P1": ("livez", "`GET /livez` vs bare Flask", 0.80),
    "P2": ("get_task", "`GET /api/v1/tasks/{id}` vs raw baseline", 0.50),
    "P3": ("list_tasks", "`GET /api/v1/projects/{id}/tasks?per_page=50` vs raw baseline", 0.45),
    "P4": ("create_task", "`POST /api/v1/projects/{id}/tasks` vs raw baseline", 0.50),
}
OTHER = "bare"  # the name of P1's reference server; "baseline" for the others


def median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def reference(endpoint: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return endpoint.get("baseline") or endpoint[OTHER]


def ratio_of(endpoint: dict[str, list[dict[str, Any]]]) -> tuple[float, list[float]]:
    """The median product/reference throughput ratio, and each run's own ratio."""
    pairs = zip(endpoint["product"], reference(endpoint), strict=False)
    ratios = [p["rps"] / r["rps"] for p, r in pairs if r["rps"]]
    # A run pair whose reference answered nothing (timeouts) has no ratio.
    return (statistics.median(ratios) if ratios else float("nan")), ratios


def row(target: str, endpoints: dict[str, Any]) -> dict[str, Any] | None:
    """P1-P4's figures for one size and server, or None if not measured there."""
    name, _, minimum = TARGETS[target]
    if name not in endpoints:
        return None
    endpoint = endpoints[name]
    ratio, ratios = ratio_of(endpoint)
    cpu_p = median(endpoint["product"], "cpu_ms_per_request")
    cpu_r = median(reference(endpoint), "cpu_ms_per_request")
    passed = ratio >= minimum and (target != "P2" or cpu_p <= 2 * cpu_r)
    loads = [run["load"] for run in endpoint["product"] if "load" in run]
    return {"ratio": ratio, "ratios": ratios, "cpu_product": cpu_p, "cpu_reference": cpu_r,
            "passed": passed, "loads": loads, "measured": endpoint.get("measured")}  # fmt: skip


def pgstat_section(t: dict[str, Any]) -> list[str]:
    lines = [
        "## P5 cross-checked with pg_stat_statements", "",
        f"A throw-away PostgreSQL {t.get('server_version', '')} cluster started by the bench "
        f"(`bench/pgstat.py`: initdb, `shared_preload_libraries=pg_stat_statements`, "
        f"`track=all`; the shared server is not restarted), the 1k dataset built in it, each "
        f"request run {t['repeats']} times in process after a warm-up; per request:", "",
        "| request | listener statements | pg_stat_statements (top level) | match | "
        "transaction control (BEGIN/COMMIT) | pre-pings | nested (FK checks, triggers) |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: |",
    ]  # fmt: skip
    for name, r in t["requests"].items():
        lines.append(
            f"| {name}: `{r['method']} {r['path']}` | {r['listener']:g} | {r['statements']:g} | "
            f"{'yes' if r['match'] else 'NO'} | {r['control']:g} | {r['pings']:g} | "
            f"{r.get('nested', 0):g} |"
        )
    return [*lines, "", f"Command `{t['command']}`, {t['started']}, load {t['load_average']}.", ""]


def scaling_section(t: dict[str, Any]) -> list[str]:
    sizes = t["sizes"]
    lines = [
        f"## P6: {sizes[-1]} tasks against {sizes[0]} (p50 ratio ≤ {t['target']}x)", "",
        f"{t['method']}; {t['rounds']} rounds; load {t['load_during'][0]}-"
        f"{t['load_during'][1]}. Every task sits in one project (the worst case).", "",
        "| request | " + " | ".join(f"p50 ms at {s} (min-max)" for s in sizes)
        + f" | ratio {sizes[-1]} ÷ {sizes[0]} | pass |",
        "| --- | " + " | ".join("---:" for _ in sizes) + " | ---: | --- |",
    ]  # fmt: skip
    for r in t["requests"].values():
        cells = " | ".join(
            f"{r['p50_ms'][s]:.0f} ({r['spread_ms'][s][0]:.0f}-{r['spread_ms'][s][1]:.0f})"
            for s in sizes
        )
        verdict = "pass" if r["passed"] else "FAIL"
        if r["counter_example"]:  # shown, not judged (older results say nothing more)
            verdict = r.get("shown_as") or "counter-example"
        lines.append(f"| {r['what']} | {cells} | {r['ratio']:.1f}x | {verdict} |")
    return [*lines, "", f"Command `{t['command']}`, {t['started']}.", ""]


def openloop_section(t: dict[str, Any]) -> list[str]:
    lines = [
        f"## P7: tail latency at {t['share']:.0%} of the max sustainable rate (p99 ≤ "
        f"{t['target']:g}x p50)", "",
        f"The product on {t['server']} (2 sync workers), {t['size']} tasks. An open-loop "
        "generator (`bench/openloop.py`: requests sent on a fixed schedule, latency from each "
        "request's scheduled time, so queueing counts). Max sustainable rate: what the server "
        "answers per second when the generator offers it wrk's closed-loop rate (`wrk -t1 "
        f"-c8`) for a short probe. Then {t['seconds']:g} s at 80% of it; a run that did not "
        "keep up (answered < 95% of the offered rate, or a median above the closed loop's: "
        "a queue grew) lowers the max to what it answered and "
        "is tried again.", "",
        "| endpoint | wrk req/s (closed loop) | max sustainable | offered req/s | answered | "
        "tries | kept up | p50 ms | p90 ms | p99 ms | p99.9 ms | p99 ÷ p50 | errors | load "
        "| pass |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: "
        "| ---: | --- | --- |",
    ]  # fmt: skip
    rows = [(name, r, False) for name, r in t["endpoints"].items()]
    rows += [(name, r, True) for name, r in t.get("reference", {}).items()]
    for name, r, control in rows:
        verdict = "control" if control else ("pass" if r["passed"] else "FAIL")
        lines.append(
            f"| {name}{' (raw baseline)' if control else ''} | {r['max_rps']:.1f} | "
            f"{r.get('capacity', r['max_rps']):.1f} | "
            f"{r['rate']:.1f} | {r['achieved_rps']:.1f} | {r.get('attempts', 1)} | "
            f"{'yes' if r.get('sustained', True) else 'NO'} | "
            f"{r['p50_ms']:.1f} | {r['p90_ms']:.1f} | {r['p99_ms']:.1f} | {r['p999_ms']:.1f} | "
            f"{r['ratio']:.1f} | {r['errors']} | {r['load'][0]}-{r['load'][1]} | {verdict} |"
        )
    return [*lines, "", "The raw baseline (`bench/baseline/`) is measured alike right after "
            "each product endpoint, as a control: what the shared machine adds to any tail. "
            f"Command `{t['command']}`, {t['started']}.", ""]  # fmt: skip


def email_section(t: dict[str, Any]) -> list[str]:
    def rates(side: str) -> str:
        values = t["runs"][side]
        return f"{statistics.median(values):.1f} ({', '.join(f'{v:.1f}' for v in values)})"

    return [
        f"## P9: {t['emails']} notification emails through Celery against a plain smtplib loop",
        "",
        f"`bench/email_rate.py`: {t['worker']}; the tests' loopback aiosmtpd sink; runs "
        f"alternating; load {t['load_during'][0]}-{t['load_during'][1]}.", "",
        "| path | messages/s (runs) |", "| --- | ---: |",
        "| Celery: `queue_email` → `deliver_email` → Flask-Mail, a kept connection per "
        f"pool process | {rates('celery')} |",
        f"| smtplib loop, one connection per message (the reference) | {rates('smtplib')} |",
        f"| smtplib loop, one connection for all | {rates('smtplib_one_connection')} |",
        "",
        f"Celery ÷ reference: **{t['ratio']:.2f}** (runs "
        f"{', '.join(f'{r:.2f}' for r in t['ratios'])}; against one connection for all: "
        f"{', '.join(f'{r:.2f}' for r in t['ratios_one_connection'])}); target "
        f"≥ {t['target']:.2f}: "
        f"{'pass' if t['passed'] else 'FAIL'}. Command `{t['command']}`, {t['started']}.", "",
    ]  # fmt: skip


def compare_section(t: dict[str, Any]) -> list[str]:
    lines = [
        "## P10: the comparison blog (Flask against the faster of Django and FastAPI)", "",
        f"From `comparison/bench/results.json`, measured **{t['measured']}** by "
        f"`{t['comparison_command']}` ({t['runs']} runs of each cell, {t['connections']} "
        f"connections, {t['elapsed_s']} s); {'re-run' if t['rerun'] else 'not re-run'} by this "
        "bench (`--run-compare` runs it first; see `comparison/RESULTS.md`).", "",
        "| setup | endpoint | Flask req/s (min-max) | faster other | its req/s (min-max) | "
        "ratio | pass | Flask would need |",
        "| --- | --- | ---: | --- | ---: | ---: | --- | --- |",
    ]  # fmt: skip
    for c in t["cells"]:
        need = ("-" if c["passed"] else
                f"+{c['best_rps'] / c['flask_rps'] - 1:.0%} req/s (CPU {c['flask_cpu_ms']:.2f} → "
                f"≤ {c['flask_cpu_ms'] * c['ratio']:.2f} ms/req)")  # fmt: skip
        lines.append(
            f"| {c['setup']} | {c['endpoint']} | {c['flask_rps']:.0f} ({c['flask_spread'][0]:.0f}-"
            f"{c['flask_spread'][1]:.0f}) | {c['best']} | {c['best_rps']:.0f} "
            f"({c['best_spread'][0]:.0f}-{c['best_spread'][1]:.0f}) | {c['ratio']:.2f} | "
            f"{'pass' if c['passed'] else 'FAIL'} | {need} |"
        )
    return [*lines, ""]
