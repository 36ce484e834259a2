"""`make verify`: the R scenarios of quality.md that `make test` does not run, and the table.

Runs the static checks of R20 (bandit at medium severity and up; semgrep with the local
rules in verify/semgrep.yml, after proving on verify/canary/ that each rule fires),
then writes verify/RESULTS.md: for every R id its figures, pass or fail, and the
command; a scenario that `make test` covers names its tests instead of running twice
(the script checks that those test files exist, so the table cannot silently rot).

Usage: python scripts/verify.py [--tools DIR]   (DIR holds bandit and semgrep)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "verify" / "RESULTS.md"
RULES = ROOT / "verify" / "semgrep.yml"
CANARY = ROOT / "verify" / "canary"


@dataclass
class Row:
    rid: str
    scenario: str
    status: str  # "pass", "fail", "make test", "not run", "partial"
    figures: str
    how: str
    tests: list[str] = field(default_factory=list)


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603


def bandit(tools: Path) -> Row:
    command = [str(tools / "bandit"), "-r", "src", "-ll", "-f", "json", "-q"]
    done = run(command)
    command[0] = "bandit"
    report = json.loads(done.stdout or "{}")
    findings = report.get("results", [])
    totals = report.get("metrics", {}).get("_totals", {})
    waived = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "src").rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "# nosec" in line
    ]
    figures = (
        f"{len(findings)} findings at medium+ over {totals.get('loc', '?')} lines; "
        f"{len(waived)} waived with `# nosec` and a reason ({', '.join(waived) or 'none'})"
    )
    for finding in findings:
        figures += f"; {finding['test_id']} {finding['filename']}:{finding['line_number']}"
    status = "pass" if not findings and done.returncode in (0, 1) else "fail"
    return Row(
        "R20a", "bandit, medium and up", status, figures, " ".join(command[:1] + command[1:])
    )


def semgrep(tools: Path) -> Row:
    base = [str(tools / "semgrep"), "scan", "--metrics=off", "--config", str(RULES), "--json"]
    rule_ids = {
        line.split(":", 1)[1].strip()
        for line in RULES.read_text().splitlines()
        if line.strip().startswith("- id:")
    }
    # The rules must catch what they are about: every one fires on the canary files.
    canary = json.loads(run([*base, "--no-git-ignore", str(CANARY)]).stdout or "{}")
    fired = {r["check_id"].rsplit(".", 1)[-1] for r in canary.get("results", [])}
    silent = sorted(rule_ids - fired)
    done = run([*base, "src"])
    report = json.loads(done.stdout or "{}")
    findings = report.get("results", [])
    scanned = len(report.get("paths", {}).get("scanned", []))
    figures = (
        f"{len(findings)} findings in {scanned} files, {len(rule_ids)} rules; "
        f"canary: {len(fired & rule_ids)}/{len(rule_ids)} rules fire"
    )
    for finding in findings:
        rule = finding["check_id"].rsplit(".", 1)[-1]
        figures += f"; {rule} {finding['path']}:{finding['start']['line']}"
    if silent:
        figures += f"; rules that caught nothing on the canary: {', '.join(silent)}"
    for error in [*canary.get("errors", []), *report.get("errors", [])]:
        figures += f"; semgrep error: {str(error.get('message', error))[:200]}"
    status = "pass" if not findings and not silent and not report.get("errors") else "fail"
    return Row(
        "R20b",
        "semgrep, local rules: JWT verification off, string-formatted SQL, send_file on a "
        "variable path, debug on, `|safe` in templates, Markup on a variable",
        status,
        figures,
        "semgrep scan --config verify/semgrep.yml src (canary: verify/canary/)",
    )


def enumeration_timing(samples: int = 15) -> Row:
    """Sign-in answer times for a known and an unknown email (same wrong password)."""
    import re
    import statistics
    import tempfile

    from flask_migrate import upgrade

    from taskmanager import create_app
    from taskmanager.accounts import services as accounts

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "verify-secret-key-0123456789abcdef0123",
                "DATABASE_URL": f"sqlite:///{folder}/verify.sqlite3",
                "OUTBOX_DIR": f"{folder}/outbox",
                "LOGIN_RATE_LIMIT": "100000 per minute",
            }
        )
        with app.app_context():
            upgrade()
            accounts.create_user(
                email="known@example.com",
                password="a sturdy passphrase",  # noqa: S106 - a throwaway account
                confirmed=True,
            )
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', page)
        times: dict[str, list[float]] = {"known": [], "unknown": []}
        answers: dict[str, set[tuple[int, str]]] = {"known": set(), "unknown": set()}
        for _ in range(samples):
            for kind in ("known", "unknown"):
                data = {"email": f"{kind}@example.com", "password": "wrong guess of a password"}
                if token:
                    data["csrf_token"] = token.group(1)
                started = time.perf_counter()
                response = client.post("/login", data=data)
                times[kind].append(time.perf_counter() - started)
                errors = re.findall(r"invalid-feedback[^>]*>([^<]+)<", response.get_data(True))
                answers[kind].add((response.status_code, " ".join(errors)))
    known, unknown = (statistics.median(times[k]) * 1000 for k in ("known", "unknown"))
    ratio = max(known, unknown) / max(min(known, unknown), 1e-9)
    same = answers["known"] == answers["unknown"]
    figures = (
        f"{samples} wrong sign-ins each: median {known:.0f} ms (known) vs {unknown:.0f} ms "
        f"(unknown), ratio {ratio:.2f}; answers identical: {same}"
    )
    status = "pass" if same and ratio < 1.5 else "fail"
    return Row(
        "R10b",
        "account enumeration by sign-in timing (page, SQLite, in process)",
        status,
        figures,
        "python scripts/verify.py (enumeration_timing)",
    )


FUZZ_ARGS = "--max-examples 25 --max-steps 10 --min-requests 10000"


def fuzz_campaign(arguments: str) -> Row:
    """R1: scripts/fuzz.py (`make fuzz`), positive_data_acceptance on, its figures."""
    import re
    import shlex

    command = [sys.executable, "scripts/fuzz.py", *shlex.split(arguments)]
    done = run(command)
    output = done.stdout + done.stderr
    (ROOT / "verify" / "fuzz.log").write_text(output)
    summary = re.search(r"make fuzz: (\d+) requests, (\d+) failures, (\d+)s", output)
    targets = re.findall(
        r"^(.+?): (\d+) requests to (\d+) operations in (\d+)s, (\d+) failures, (\d+) errors",
        output,
        re.MULTILINE,
    )
    if summary is None:
        figures = f"the campaign did not finish (exit {done.returncode}); see verify/fuzz.log"
        status = "fail"
    else:
        requests, failures, seconds = summary.groups()
        parts = [
            f"{name}: {n} requests to {ops} operations, {f} failures, {e} errors, {s} s"
            for name, n, ops, s, f, e in targets
        ]
        figures = (
            f"{requests} requests, {failures} failures in {seconds} s, all phases incl. "
            f"stateful, positive_data_acceptance on; "
            + "; ".join(parts)
            + " (failures listed in verify/fuzz.log). make test runs a short pass with the "
            "same checks (tests/api/test_schema_fuzz.py); tests/api/test_document_is_exact.py "
            "pins each mismatch the campaign found"
        )
        status = "pass" if done.returncode == 0 else "fail"
    return Row(
        "R1",
        "schemathesis ≥ 10,000 requests, in-process and over HTTP",
        status,
        figures,
        f"python scripts/fuzz.py {arguments}",
    )


LOAD_ARGS = "--duration 60 --rounds 1 --targets gunicorn,granian"
R19_P99_MS = 300


def load_run(arguments: str) -> Row:
    """R19: scripts/load.py (`make load`) on the production shape, judged here: no
    failed request and p99 under 300 ms on each server. `make test` runs the same mix
    for 15 s and asserts only the errors: a latency bound has no place in a test."""
    import shlex

    figures_file = ROOT / "verify" / "load.json"
    figures_file.unlink(missing_ok=True)
    command = ["scripts/load.py", *shlex.split(arguments), "--json", str(figures_file)]
    done = run([sys.executable, *command])
    (ROOT / "verify" / "load.log").write_text(done.stdout + done.stderr)
    scenario = "wrk 60 s at 64 connections through nginx on the API mix: 0 errors, p99 < 300 ms"
    how = f"python {' '.join(command[:-2])}"
    if not figures_file.exists():
        figures = f"the run did not finish (exit {done.returncode}); see verify/load.log"
        return Row("R19", scenario, "fail", figures, how)
    result = json.loads(figures_file.read_text())
    parts, slow = [], []
    for server, runs in result["runs"].items():
        worst = max(runs, key=lambda one: one["p99_ms"])
        parts.append(
            f"{server}: {worst['requests']:.0f} requests, {worst['rps']:.0f} req/s, "
            f"p50 {worst['p50_ms']:.0f} ms, p99 {worst['p99_ms']:.0f} ms"
        )
        if worst["p99_ms"] >= R19_P99_MS:
            slow.append(server)
    figures = (
        f"{result['shape']}, nginx least_conn; "
        + "; ".join(parts)
        + f"; failed requests (wrk and nginx's log): {result['failed']}. "
        "tests/deploy/test_load.py asserts 0 errors over 15 s in make test"
    )
    status = "pass" if done.returncode == 0 and not slow and not result["failed"] else "fail"
    return Row("R19", scenario, status, figures, how)


# Scenarios whose proof lives in `make test`: the tests that carry it.
COVERED = [
    (
        "R2",
        "tenant isolation: other org's ids on every API operation and page, lists",
        [
            "tests/security/test_isolation_matrix.py",
            "tests/api/test_tenancy.py",
            "tests/orgs/test_tenancy.py",
        ],
        "generated from the URL map: every page and API rule with an id, each role, B's ids "
        "(and B's slug) answer 404, no row changes, no B data on any GET; a parameter "
        "without a builder fails the test by name (tests/support/url_map.py)",
    ),
    (
        "R3",
        "role matrix, API and pages, against the policy table",
        ["tests/api/test_roles.py", "tests/orgs/test_roles.py"],
        "generated from policy.POLICY; each action must have a case (test_every_action_is_covered)",
    ),
    ("R4", "mass assignment", ["tests/api/test_requests.py"], ""),
    (
        "R5",
        "sessions: cookie after logout, password change, deactivation; id changes at login",
        [
            "tests/accounts/test_sessions.py",
            "tests/accounts/test_credential_revocation.py",
            "tests/accounts/test_auth_tokens.py",
        ],
        "",
    ),
    (
        "R6",
        "security headers, cookies, untrusted Host",
        ["tests/test_pages.py", "tests/test_links.py"],
        "",
    ),
    (
        "R7",
        "CSRF on cookie-authenticated writes; no state change on GET",
        ["tests/security/test_csrf_matrix.py"],
        "generated from the URL map: every non-GET page rule without a token is 400 and "
        "changes no row; API writes with the session cookie are 401; no GET changes a row; "
        "exemptions with reasons in one table (tests/support/url_map.py EXEMPT)",
    ),
    ("R8", "JWT forgeries", ["tests/api/test_jwt_forgery.py"], ""),
    (
        "R9",
        "refresh reuse revokes the family; rotation is atomic",
        ["tests/api/test_auth.py", "tests/api/test_refresh_race.py"],
        "",
    ),
    (
        "R10",
        "brute force and enumeration: per address and per account, 429 + Retry-After, "
        "same answers for known/unknown",
        [
            "tests/accounts/test_sessions.py",
            "tests/api/test_rate_limits.py",
            "tests/accounts/test_password_reset.py",
            "tests/imports/test_csv_safety.py",
            "tests/accounts/test_two_factor.py",
        ],
        "timing of known vs unknown emails: measured in R10b",
    ),
    (
        "R13",
        "SIGKILL the worker during jobs",
        ["tests/faults/test_worker_killed.py", "tests/faults/test_job_sweep.py"],
        "",
    ),
    (
        "R11",
        "upload corpus: traversal, NUL, double extensions, SVG/HTML, polyglot, oversized, "
        "huge image",
        ["tests/attachments/test_corpus.py", "tests/attachments/test_storage.py"],
        "",
    ),
    (
        "R12",
        "Stripe webhooks: bad and old signatures, 5x concurrent delivery, out of order",
        ["tests/billing/test_webhooks.py", "tests/billing/test_webhook_concurrency.py"],
        "`python scripts/webhook_drill.py` is the longer drill",
    ),
    ("R14", "Redis stopped mid-run", ["tests/faults/test_redis_outage.py"], ""),
    (
        "R15",
        "PostgreSQL restarted under load (a throwaway cluster)",
        ["tests/deploy/test_postgres_restart.py"],
        "",
    ),
    ("R16", "jobs in rolled-back transactions", ["tests/faults/test_enqueue_after_commit.py"], ""),
    (
        "R17",
        "SIGTERM to the app servers with requests in flight; readiness 503 first",
        ["tests/deploy/test_stack.py"],
        "",
    ),
    (
        "R18",
        "forced exceptions, oversized and hostile bodies: generic errors, request id",
        [
            "tests/test_errors.py",
            "tests/test_observability.py",
            "tests/test_guards.py",
            "tests/api/test_bad_input.py",
        ],
        "",
    ),
]

# Scenarios this run does not perform, with the reason and where they stand.
NOT_RUN: list[tuple[str, str, str]] = []


def covered_rows() -> list[Row]:
    rows = []
    for rid, scenario, tests, note in COVERED:
        missing = [test for test in tests if not (ROOT / test).exists()]
        status = "fail" if missing else ("partial" if note.startswith("partial") else "make test")
        figures = f"missing test files: {', '.join(missing)}" if missing else note
        rows.append(Row(rid, scenario, status, figures, "make test", tests))
    return rows


def write(rows: list[Row], seconds: float) -> None:
    order = {f"R{n}": n for n in range(1, 21)}
    rows.sort(key=lambda row: (order.get(row.rid.rstrip("ab"), 99), row.rid))
    lines = [
        "# Reliability and security: quality.md R1-R20",
        "",
        f"Written by `make verify` (scripts/verify.py) in {seconds:.0f} s. "
        "`make test` means the scenario is proved by the tests named, which `make test` runs "
        "(they are not run twice); `partial` says what is missing; `not run` says why.",
        "",
        "| id | scenario | result | figures | command or tests |",
        "| --- | --- | --- | --- | --- |",
    ]

    def cell(text: str) -> str:
        return text.replace("|", "\\|") or "—"

    for row in rows:
        how = "<br>".join(f"`{test}`" for test in row.tests) if row.tests else ""
        how = how or (f"`{row.how}`" if row.how else "")
        cells = [row.rid, row.scenario, row.status, row.figures, how]
        lines.append("| " + " | ".join(cell(text) for text in cells) + " |")
    RESULTS.write_text("\n".join(lines) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tools", default=str(ROOT / ".venv-verify" / "bin"))
    parser.add_argument(
        "--fuzz-args", default=FUZZ_ARGS, help="arguments of scripts/fuzz.py (R1); '' skips it"
    )
    parser.add_argument(
        "--load-args", default=LOAD_ARGS, help="arguments of scripts/load.py (R19); '' skips it"
    )
    args = parser.parse_args()
    started = time.monotonic()
    tools = Path(args.tools)
    rows = [bandit(tools), semgrep(tools), enumeration_timing(), *covered_rows()]
    if args.fuzz_args:
        rows.append(fuzz_campaign(args.fuzz_args))
    else:
        rows.append(
            Row(
                "R1",
                "schemathesis ≥ 10,000 requests, in-process and over HTTP",
                "not run",
                "skipped (--fuzz-args ''); `make fuzz` runs it",
                "",
            )
        )
    if args.load_args:
        rows.append(load_run(args.load_args))
    rows += [Row(rid, scenario, "not run", reason, "") for rid, scenario, reason in NOT_RUN]
    write(rows, time.monotonic() - started)
    failed = [row.rid for row in rows if row.status == "fail"]
    print(RESULTS.read_text())
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
