"""``make bench``'s report: every P target gets a row from a small results file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import report

TASK_RUN = {"rps": 40.0, "p50_ms": 20.0, "p99_ms": 60.0, "cpu_ms_per_request": 5.0, "load": 3.1}
BASE_RUN = {"rps": 100.0, "p50_ms": 8.0, "p99_ms": 20.0, "cpu_ms_per_request": 2.0, "load": 3.2}
STAMP = {"command": "python -m bench --quick", "started": "2026-12-04T23:00:00+00:00",
         "load_average": [3.0, 2.0, 1.0]}  # fmt: skip


def _endpoint(reference: str) -> dict[str, Any]:
    return {"product": [TASK_RUN], reference: [BASE_RUN]}


def small_results() -> dict[str, Any]:
    requests = {
        name: {"what": name, "path": "/api/v1/x", "p50_ms": {"1k": 10.0, "1m": 30.0},
               "spread_ms": {"1k": [9.0, 11.0], "1m": [28.0, 33.0]}, "ratio": 3.0,
               "counter_example": name == "offset_200", "passed": False}
        for name in ("first_page", "keyset_200", "filtered", "search", "offset_200")
    }  # fmt: skip
    latency = {"max_rps": 50.0, "closed_p50_ms": 150.0, "closed_p99_ms": 220.0, "rate": 40.0,
               "requests": 400, "achieved_rps": 39.9, "errors": 0, "p50_ms": 40.0,
               "p90_ms": 80.0, "p99_ms": 150.0, "p999_ms": 190.0, "max_ms": 200.0,
               "ratio": 3.75, "passed": True, "load": [3.0, 3.5]}  # fmt: skip
    return {
        "command": "python -m bench --quick", "started": STAMP["started"],
        "finished": STAMP["started"], "runs": 1, "seconds": 5.0, "connections": 8,
        "workers": 2,
        "machine": {"cpu": "test CPU", "cores": 2, "python": "3.11", "platform": "Linux",
                    "load_average": [3.0, 2.0, 1.0]},
        "datasets": {"1k": {
            "statements": {"task": 3, "list10": 4, "list50": 4, "list100": 4, "create": 6},
            "servers": {"gunicorn": {
                "livez": _endpoint("bare"), "get_task": _endpoint("baseline"),
                "list_tasks": _endpoint("baseline"), "create_task": _endpoint("baseline"),
            }},
        }},
        "targets": {
            "P5": {**STAMP, "repeats": 20, "server_version": "15", "passed": True,
                   "requests": {"task": {"method": "GET", "path": "/api/v1/tasks/500",
                                         "listener": 3.0, "statements": 3.0, "control": 2.0,
                                         "pings": 0.0, "nested": 0.0, "match": True}}},
            "P6": {**STAMP, "sizes": ["1k", "1m"], "rounds": 5, "target": 1.25,
                   "requests": requests, "load_during": [3.0, 4.0], "method": "sequential"},
            "P7": {**STAMP, "size": "1k", "server": "gunicorn", "share": 0.8, "target": 4.0,
                   "seconds": 10.0, "endpoints": {"get_task": latency}},
            "P8": {**STAMP, "size_mb": 200, "bound_mb": 32, "rss_mb": 150.0, "peak_mb": 155.0,
                   "growth_mb": 5.0, "passed": True, "server": "gunicorn, 1 sync worker"},
            "P9": {**STAMP, "emails": 1000, "runs": {"celery": [40.0], "smtplib": [100.0],
                   "smtplib_one_connection": [200.0]}, "ratios": [0.4], "ratio": 0.4,
                   "ratios_one_connection": [0.2], "target": 0.5, "passed": False,
                   "worker": "celery prefork", "load_during": [3.0, 3.0]},
            "P10": {**STAMP, "measured": "2026-11-23 20:45 UTC", "comparison_command": "x",
                    "elapsed_s": 836, "runs": 3, "connections": 32, "target": 1.0,
                    "passed": False, "rerun": False,
                    "cells": [{"setup": "granian", "endpoint": "health", "flask_rps": 60.0,
                               "flask_spread": [50.0, 70.0], "best": "fastapi",
                               "best_rps": 100.0, "best_spread": [90.0, 110.0], "ratio": 0.6,
                               "passed": False, "flask_cpu_ms": 0.2, "best_cpu_ms": 0.1,
                               "needed_cpu_share": 0.6}]},
        },
    }  # fmt: skip


@pytest.fixture
def written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(report, "RESULTS_MD", tmp_path / "RESULTS.md")
    monkeypatch.setattr(report, "CHARTS", tmp_path / "charts")
    monkeypatch.setattr(report, "NOTES", tmp_path / "NOTES.md")
    report.write(json.loads(json.dumps(small_results())))  # as read back from results.json
    return (tmp_path / "RESULTS.md").read_text()


def test_every_target_has_a_row_with_its_verdict_and_command(written: str) -> None:
    summary = written.split("## Every target", 1)[1].split("\n## ", 1)[0]
    for target in [f"P{n}" for n in range(1, 11)]:
        [line] = [line for line in summary.splitlines() if line.startswith(f"| {target} |")]
        assert ("pass" in line) or ("FAIL" in line), line
        assert "python -m bench --quick" in line
    assert "| P8 | 5.0 MB growth" in summary
    assert "| P9 | 0.40 of the smtplib loop" in summary


def test_the_charts_of_p6_and_p7_are_drawn_and_linked(written: str, tmp_path: Path) -> None:
    for name in ("p6-sizes.png", "p7-percentiles.png", "throughput-gunicorn.png"):
        assert (tmp_path / "charts" / name).read_bytes().startswith(b"\x89PNG")
        assert f"(charts/{name})" in written
