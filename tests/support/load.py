"""The API load of quality.md R19 through nginx with wrk: used by `make load` and tests/deploy.

What counts as an error: an answer that is not 2xx or 3xx, and a request wrk could
not complete (connect, read or write error, or its own timeout). wrk's timeout is set
beyond nginx's ``proxy_read_timeout`` (60 s), so a request the stack is still working
on is never abandoned by the client: either it completes, or nginx answers 504 itself
and that counts. With wrk's old 10-second timeout a starved machine turned slow
successes into "errors" (nginx logged them as 499, client closed request) and left
them out of the latency figures.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import requests
from flask import Flask

# One second past nginx's proxy_read_timeout (deploy/nginx.conf.j2).
WRK_TIMEOUT_SECONDS = 61

# Per connection: 60% list a project's tasks, 25% read one task, 15% create a task.
WRK_SCRIPT = """
local users = %(users)s
math.randomseed(os.time())
request = function()
  local u = users[math.random(#users)]
  local headers = {["Authorization"] = "Bearer " .. u.token,
                   ["Content-Type"] = "application/json"}
  local r = math.random()
  if r < 0.15 then
    return wrk.format("POST", "/api/v1/projects/" .. u.project .. "/tasks", headers,
                      '{"title": "load test task"}')
  elseif r < 0.40 then
    return wrk.format("GET", "/api/v1/tasks/" .. u.task, headers)
  end
  return wrk.format("GET", "/api/v1/projects/" .. u.project .. "/tasks?per_page=20", headers)
end
"""


def seed(app: Flask, base_url: str, users: int = 8) -> list[dict[str, Any]]:
    """``users`` owners, each with an org, a project, a task, and an access token from
    ``base_url`` (signed in over HTTP, as a client would)."""
    from tests.factories import PASSWORD
    from tests.factories import make_org
    from tests.factories import make_project
    from tests.factories import make_task
    from tests.factories import make_user

    seeded = []
    for number in range(users):
        user = make_user(app, name=f"Load {number}")
        project = make_project(app, make_org(app, user, name=f"Load org {number}"))
        task = make_task(app, project, user, title="Read me")
        answer = requests.post(
            f"{base_url}/api/v1/auth/tokens",
            json={"email": user.email, "password": PASSWORD},
            timeout=30,
        )
        answer.raise_for_status()
        seeded.append(
            {"token": answer.json()["access_token"], "project": project.id, "task": task.id}
        )
    return seeded


def mix_script(users: list[dict[str, Any]], path: Path) -> Path:
    rows = [
        f'{{token = "{u["token"]}", project = {u["project"]}, task = {u["task"]}}}' for u in users
    ]
    path.write_text(WRK_SCRIPT % {"users": "{" + ", ".join(rows) + "}"})
    return path


def parse_wrk(output: str) -> dict[str, float]:
    def latency_ms(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        assert match, output
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    bad_status = int(non_2xx.group(1)) if non_2xx else 0
    socket_errors = sum(int(n) for n in socket.groups()) if socket else 0
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    return {
        "p50_ms": latency_ms("50"),
        "p99_ms": latency_ms("99"),
        "rps": rate,
        "requests": total,
        "errors": bad_status + socket_errors,
        "non_2xx": bad_status,
        "socket_errors": socket_errors,  # connect, read, write, and wrk's timeout
    }


def run_wrk(
    url: str,
    script: Path,
    duration: int,
    connections: int = 64,
    timeout: int = WRK_TIMEOUT_SECONDS,
) -> dict[str, float]:
    wrk = shutil.which("wrk") or "/usr/bin/wrk"
    result = subprocess.run(
        [wrk, "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--latency",
         "--timeout", f"{timeout}s", "-s", str(script), url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return parse_wrk(result.stdout)


def nginx_statuses(log: Path, skip: int = 0) -> dict[str, int]:
    """How nginx answered, by status, after the first ``skip`` lines of its JSON access
    log: the server side's count (499 is a client that gave up waiting)."""
    counts: dict[str, int] = {}
    lines = log.read_text().splitlines() if log.exists() else []
    for line in lines[skip:]:
        try:
            status = str(json.loads(line)["status"])
        except (ValueError, KeyError):
            continue
        counts[status] = counts.get(status, 0) + 1
    return dict(sorted(counts.items()))


def _kind(method: str, path: str) -> str:
    if method == "POST":
        return "create"
    if re.fullmatch(r"/api/v1/tasks/\d+", path):
        return "read"
    return "list" if re.fullmatch(r"/api/v1/projects/\d+/tasks", path) else "other"


def latency_by_kind(log: Path, skip: int = 0) -> dict[str, dict[str, float]]:
    """nginx's own time per request (ms) by kind of request of the mix: where a slow
    tail comes from. The queue in front of the app is in it, as it is in wrk's."""
    times: dict[str, list[float]] = {}
    lines = log.read_text().splitlines() if log.exists() else []
    for line in lines[skip:]:
        try:
            entry = json.loads(line)
            kind = _kind(entry["method"], entry["path"])
            times.setdefault(kind, []).append(float(entry["duration_ms"]) * 1000)
        except (ValueError, KeyError):
            continue
    figures = {}
    for kind, values in sorted(times.items()):
        values.sort()

        def at(share: float, values: list[float] = values) -> float:
            return round(values[min(len(values) - 1, int(share * len(values)))], 1)

        figures[kind] = {"requests": len(values), "p50_ms": at(0.5), "p99_ms": at(0.99)}
    return figures


def failed_statuses(statuses: dict[str, int]) -> dict[str, int]:
    """The answers that failed a request. Not 499 (the client closed the connection):
    wrk ends a run by closing its connections with requests still in flight, and a
    request it gave up on is already counted by wrk as a timeout."""
    return {
        status: n
        for status, n in statuses.items()
        if not status.startswith(("2", "3")) and status != "499"
    }
