"""Repository-wide pytest rules.

With ``CI=true`` a skipped test fails the run: the suite's service-backed tests exist
to run against the real PostgreSQL, Redis, SMTP and browser, and a skip would hide
exactly the breakage they are there to catch.
"""

from __future__ import annotations

import os

import pytest


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("CI") != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0:
        names = ", ".join(sorted({report.nodeid for report in skipped})[:10])
        print(f"\nCI=true: {len(skipped)} skipped test(s) count as failures: {names}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
