"""Driving a server with wrk and reading back throughput, latency and server CPU."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
from dataclasses import asdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

LUA = Path(__file__).with_name("lua")
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    script: str | None = None  # a Lua file in lua/


ENDPOINTS = [
    Endpoint("health", "/api/v1/health"),
    Endpoint("single post", "/api/v1/posts/1", "single.lua"),
    Endpoint("list page", "/api/v1/posts?page=1"),
    # Last: it adds rows, so it must not run before the reads of the same phase.
    Endpoint("create post", "/api/v1/posts", "create.lua"),
]


@dataclass(frozen=True)
class Run:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx answers plus socket errors
    cpu_seconds: float  # server processes, user + system, during the run

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * self.cpu_seconds / max(self.requests, 1)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "cpu_ms_per_request": self.cpu_ms_per_request}


def wrk_command(
    url: str, *, connections: int, seconds: float, script: str | None, core: int | None
) -> list[str]:
    wrk = shutil.which("wrk") or "/usr/bin/wrk"
    command = [
        wrk, "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "5s",
        *(["-s", str(LUA / script)] if script else []),
        url,
    ]  # fmt: skip
    # Pinned to one core, as the method asks; the servers share whatever is left.
    if core is not None and shutil.which("taskset"):
        command = ["taskset", "-c", str(core), *command]
    return command


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU of the server's master and all its worker processes."""
    total = 0.0
    with contextlib.suppress(psutil.NoSuchProcess):
        master = psutil.Process(pid)
        for process in [master, *master.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                times = process.cpu_times()
                total += times.user + times.system
    return total


def parse_wrk(output: str) -> tuple[int, float, float, float, float, int]:
    """(requests, seconds, req/s, p50 ms, p99 ms, errors) from wrk's ``--latency`` report."""
    found = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not found or not rps:
        raise RuntimeError(f"Unexpected wrk output:\n{output}")
    requests = int(found.group(1))
    seconds = float(found.group(2)) * UNITS[found.group(3)] / 1000
    latency = {
        percent: float(value) * UNITS[unit]
        for percent, value, unit in re.findall(
            r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M
        )
    }
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket:
        errors += sum(int(n) for n in socket.groups())
    return requests, seconds, float(rps.group(1)), latency["50"], latency["99"], errors


def measure(
    base_url: str,
    endpoint: Endpoint,
    *,
    server_pid: int,
    connections: int,
    seconds: float,
    env: dict[str, str],
    core: int | None,
) -> tuple[Run, str]:
    command = wrk_command(
        base_url + endpoint.path,
        connections=connections,
        seconds=seconds,
        script=endpoint.script,
        core=core,
    )
    before = server_cpu_seconds(server_pid)
    completed = subprocess.run(  # noqa: S603 (our own argv, no shell)
        command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=True
    )
    cpu = server_cpu_seconds(server_pid) - before
    requests, elapsed, rps, p50, p99, errors = parse_wrk(completed.stdout)
    run = Run(requests, elapsed, rps, p50, p99, errors, cpu)
    return run, completed.stdout
