"""P10: the comparison blog's own run (``make compare``), read from its results file.

``make compare`` (``python -m comparison.bench``) takes ~15 minutes (three frameworks,
two setups, four endpoints, three runs each), so the bench reads its latest
``comparison/bench/results.json`` and says when it was measured; ``--run-compare``
runs it first. P10 asks Flask to lead the faster of Django and FastAPI on every
endpoint, on the idiomatic servers and on one common server (granian). For each cell
the report gives the ratio and, where Flask trails, the throughput it would need.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.serve import ROOT
from bench.serve import say
from comparison.bench.report import summarise

RESULTS = ROOT / "comparison" / "bench" / "results.json"
TARGET = 1.0
OTHERS = ("django", "fastapi")


def cells(document: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per (setup, endpoint): Flask's median req/s against the faster other's."""
    summary = summarise(document["results"])
    rows = []
    seen = []
    for result in document["results"]:
        key = (result["setup"], result["endpoint"])
        if key not in seen:
            seen.append(key)
    for setup, endpoint in seen:
        flask = summary[(setup, endpoint, "flask")]
        best_app = max(OTHERS, key=lambda app: summary[(setup, endpoint, app)]["rps"])
        best = summary[(setup, endpoint, best_app)]
        ratio = flask["rps"] / best["rps"]
        rows.append({
            "setup": setup, "endpoint": endpoint, "flask_rps": flask["rps"],
            "flask_spread": [flask["rps_min"], flask["rps_max"]], "best": best_app,
            "best_rps": best["rps"], "best_spread": [best["rps_min"], best["rps_max"]],
            "ratio": ratio, "passed": ratio >= TARGET,
            "flask_cpu_ms": flask["cpu"], "best_cpu_ms": best["cpu"],
            # Where Flask trails: its CPU per request would have to drop to this share.
            "needed_cpu_share": min(1.0, ratio),
        })  # fmt: skip
    return rows


def run(args: argparse.Namespace, path: Path = RESULTS) -> dict[str, Any]:
    if getattr(args, "run_compare", False):
        say("P10: running make compare (python -m comparison.bench, ~15 min)")
        subprocess.run([sys.executable, "-m", "comparison.bench"], cwd=ROOT, check=True)
    document = json.loads(path.read_text())
    meta = document["meta"]
    rows = cells(document)
    say(f"P10: comparison results of {meta.get('date', '?')}: "
        + ", ".join(f"{r['setup']} {r['endpoint']} {r['ratio']:.2f}" for r in rows))  # fmt: skip
    return {
        "measured": meta.get("date"), "comparison_command": meta.get("command"),
        "elapsed_s": meta.get("elapsed_s"), "runs": meta.get("runs"),
        "connections": meta.get("connections"), "cells": rows, "target": TARGET,
        "passed": all(r["passed"] for r in rows),
        "rerun": bool(getattr(args, "run_compare", False)),
    }  # fmt: skip
