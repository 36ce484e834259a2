"""``make bench``: the product against the raw baseline, interleaved, on this machine.

For each dataset (1k; and 100k, 1M in full mode) and server (gunicorn sync, 2 workers;
granian, 2 workers), the product (``taskmanager.wsgi:app``, production settings, rate
limits raised and kept in a private ``redis-server``), the raw baseline
(``bench/baseline/app.py``) and bare Flask (P1) are started alike. Each endpoint is
then driven by ``wrk -t1 -c8`` pinned to one core, a warm-up first, then ``--runs``
measured runs alternating product and baseline (the order flips each run). Server CPU
per request is the user + system time of the server processes over the run divided
by the requests. Results go to ``bench/results.json``; ``bench/report.py`` writes
``bench/RESULTS.md`` and the charts.

``python -m bench --quick``: 1k tasks, gunicorn only, one run of 5 s per side.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import data
from bench import inprocess
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


def server_command(target: str, server: str, port: int, *, factory: bool = False) -> list[str]:
    python = sys.executable
    if server == "granian":
        return [
            python, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(WORKERS), "--blocking-threads", "1",
            "--no-ws", *(["--factory"] if factory else []), target,
        ]  # fmt: skip
    if factory:
        target = f"{target}()"
    return [
        python, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
        "--worker-class", "sync", "--log-level", "warning", target,
    ]  # fmt: skip


@contextlib.contextmanager
def serving(name: str, target: str, server: str, env: dict[str, str], *, factory: bool = False,
            health: str = "/livez") -> Iterator[Server]:  # fmt: skip
    port = free_port()
    log = HERE / "logs" / f"{name}-{server}.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own argv)
            server_command(target, server, port, factory=factory),
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


ENDPOINTS = {
    # name: (lua script, extra environment, quality.md target)
    "livez": ("livez.lua", {}, "P1"),
    "get_task": ("get_task.lua", {}, "P2"),
    "list_tasks": ("list_tasks.lua", {"BENCH_PER_PAGE": "50"}, "P3"),
    "create_task": ("create_task.lua", {}, "P4"),
}


def run_dataset(dataset: data.Dataset, servers: list[str], args: argparse.Namespace,
                redis_url: str) -> dict[str, Any]:  # fmt: skip
    from taskmanager import create_app

    os.environ.setdefault("TASKMANAGER_INSTANCE_PATH", str(HERE / "instance"))
    config = inprocess.product_config(dataset, redis_url)
    app = create_app(config)
    token = inprocess.access_token(app, dataset)
    say(f"statements per request, in process ({dataset.name})")
    statements = inprocess.count_statements(app, token, dataset)
    say(f"  product: {statements}")
    product_env = {
        **inprocess.product_environment(dataset, redis_url),
        "TASKMANAGER_INSTANCE_PATH": str(HERE / "instance"),
    }
    baseline_env = {
        "BENCH_DATABASE_URL": dataset.url,
        "BENCH_SECRET_KEY": inprocess.SECRET_KEY,
        "BENCH_REDIS_URL": redis_url,
    }
    lua_env = {
        "BENCH_TOKEN": token,
        "BENCH_FIRST": str(dataset.first_task_id),
        "BENCH_LAST": str(dataset.last_task_id),
        "BENCH_PROJECT": str(dataset.project_id),
        "BENCH_PAGES": str(min(20, max(1, dataset.tasks // 50))),
    }
    out: dict[str, Any] = {"statements": statements, "servers": {}}
    for server_name in servers:
        say(f"{dataset.name}: serving product, baseline and bare Flask on {server_name}")
        endpoints: dict[str, Any] = {}
        with (
            serving("product", "taskmanager.wsgi:app", server_name, product_env) as product,
            serving("baseline", "bench.baseline.app:create_app", server_name, baseline_env,
                    factory=True) as baseline,
            serving("bare", "bench.baseline.bare:app", server_name, {}) as bare,
        ):  # fmt: skip
            for name, (script, extra, target) in ENDPOINTS.items():
                if name == "livez" and dataset.name != args.sizes[0]:
                    continue  # touches no data: once is enough
                pair = [product, bare if name == "livez" else baseline]
                env = {**lua_env, **extra}
                if name == "create_task":
                    env["BENCH_PROJECT"] = str(dataset.write_project_id)
                say(f"  {target} {name}: {args.runs} interleaved runs of {args.seconds:g} s")
                endpoints[name] = interleaved(
                    pair, script, env, runs=args.runs, seconds=args.seconds, warmup=args.warmup
                )
        out["servers"][server_name] = endpoints
    return out


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
        "load_average": os.getloadavg(), "platform": platform.platform(),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1k tasks, gunicorn, one run")
    parser.add_argument("--sizes", nargs="+", choices=list(data.SIZES))
    parser.add_argument("--servers", nargs="+", choices=["gunicorn", "granian"])
    parser.add_argument("--runs", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--no-report", action="store_true")
    parser.add_argument(
        "--merge", action="store_true", help="add these sizes to bench/results.json's others"
    )
    args = parser.parse_args(argv)
    args.sizes = args.sizes or (["1k"] if args.quick else list(data.SIZES))
    args.servers = args.servers or (["gunicorn"] if args.quick else ["gunicorn", "granian"])
    args.runs = args.runs or (1 if args.quick else 3)
    args.seconds = args.seconds or (5.0 if args.quick else 10.0)
    command = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
    started = datetime.datetime.now(datetime.UTC)
    say(
        f"bench: sizes {args.sizes}, servers {args.servers}, {args.runs} runs of {args.seconds:g} s"
    )
    results: dict[str, Any] = {
        "command": command.strip(), "started": started.isoformat(timespec="seconds"),
        "machine": machine(), "runs": args.runs, "seconds": args.seconds,
        "connections": CONNECTIONS, "workers": WORKERS, "datasets": {},
    }  # fmt: skip
    if args.merge and RESULTS.exists():
        results["datasets"] = json.loads(RESULTS.read_text())["datasets"]
        results["command"] += " (merged into the earlier sizes' results)"
    with private_redis() as redis_url:
        for size in args.sizes:
            dataset = data.ensure(size, log=say)
            results["datasets"][size] = run_dataset(dataset, args.servers, args, redis_url)
    results["finished"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    RESULTS.write_text(json.dumps(results, indent=1))
    say(f"results in {RESULTS}")
    if not args.no_report:
        from bench import report

        report.write(results)
        say(f"report in {report.RESULTS_MD}")


def median(values: list[float]) -> float:
    return statistics.median(values)


if __name__ == "__main__":
    main()
