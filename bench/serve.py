"""Serving what the bench measures, and driving it with ``wrk``: shared by every target.

``serving`` starts a WSGI app on gunicorn (sync) or granian in its own session and waits
for it to answer; ``private_redis`` is a throwaway ``redis-server`` (rate limits, broker);
``interleaved`` alternates product and reference runs, flipping the order each run.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from comparison.bench.load import parse_wrk
from comparison.bench.load import server_cpu_seconds

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LUA = HERE / "lua"
RESULTS = HERE / "results.json"
WORKERS = 2
CONNECTIONS = 8
WRK_CORE = 1  # wrk on one core; the servers share the machine as they would anyway


def say(message: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    url: str
    log: Path


def server_command(
    target: str, server: str, port: int, *, factory: bool = False, workers: int = WORKERS
) -> list[str]:
    python = sys.executable
    if server == "granian":
        return [
            python, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers), "--blocking-threads", "1",
            "--no-ws", *(["--factory"] if factory else []), target,
        ]  # fmt: skip
    if factory:
        target = f"{target}()"
    return [
        python, "-m", "gunicorn", "--workers", str(workers), "--timeout", "300",
        "--bind", f"127.0.0.1:{port}", "--worker-class", "sync", "--log-level", "warning", target,
    ]  # fmt: skip


@contextlib.contextmanager
def serving(name: str, target: str, server: str, env: dict[str, str], *, factory: bool = False,
            health: str = "/livez", workers: int = WORKERS) -> Iterator[Server]:  # fmt: skip
    port = free_port()
    log = HERE / "logs" / f"{name}-{server}.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own argv)
            server_command(target, server, port, factory=factory, workers=workers),
            cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    running = Server(name, process, f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} on {server} exited; see {log}")
            with contextlib.suppress(httpx.TransportError):
                answer = httpx.get(running.url + health, headers={"X-Forwarded-Proto": "https"})
                if answer.status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} on {server} did not answer {health}; see {log}")
            time.sleep(0.2)
        yield running
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextlib.contextmanager
def private_redis() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(port),
         "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(0.3)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def wrk(url: str, script: str, env: dict[str, str], seconds: float) -> dict[str, Any]:
    command = [
        shutil.which("wrk") or "/usr/bin/wrk", "-t1", f"-c{CONNECTIONS}",
        f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "10s",
        "-s", str(LUA / script), url,
    ]  # fmt: skip
    if shutil.which("taskset"):
        command = ["taskset", "-c", str(WRK_CORE), *command]
    done = subprocess.run(  # noqa: S603
        command, env={**os.environ, **env}, capture_output=True, text=True,
        timeout=seconds + 60, check=True,
    )  # fmt: skip
    requests, elapsed, rps, p50, p99, errors = parse_wrk(done.stdout)
    return {"requests": requests, "seconds": elapsed, "rps": rps, "p50_ms": p50,
            "p99_ms": p99, "errors": errors}  # fmt: skip


def measure(server: Server, script: str, env: dict[str, str], seconds: float) -> dict[str, Any]:
    before = server_cpu_seconds(server.process.pid)
    run = wrk(server.url, script, env, seconds)
    cpu = server_cpu_seconds(server.process.pid) - before
    run["cpu_ms_per_request"] = 1000 * cpu / max(run["requests"], 1)
    run["load"] = load_average()[0]
    return run


def interleaved(pair: list[Server], script: str, env: dict[str, str], *, runs: int,
                seconds: float, warmup: float) -> dict[str, list[dict[str, Any]]]:  # fmt: skip
    for server in pair:
        wrk(server.url, script, env, warmup)
    results: dict[str, list[dict[str, Any]]] = {server.name: [] for server in pair}
    for number in range(runs):
        order = pair if number % 2 == 0 else list(reversed(pair))
        for server in order:
            run = measure(server, script, env, seconds)
            results[server.name].append(run)
            say(f"    run {number + 1}/{runs} {server.name:9} {run['rps']:8.1f} req/s "
                f"p50 {run['p50_ms']:.1f} ms p99 {run['p99_ms']:.1f} ms "
                f"cpu {run['cpu_ms_per_request']:.2f} ms/req errors {run['errors']}")  # fmt: skip
    return results


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]
