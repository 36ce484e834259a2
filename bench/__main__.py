"""``make bench``: every quality.md P target, measured side by side on this machine.

P1-P4: for each dataset (1k; and 100k, 1M in full mode) and server (gunicorn sync, 2
workers; granian, 2 workers), the product (``taskmanager.wsgi:app``, production
settings, rate limits raised and kept in a private ``redis-server``), the raw baseline
(``bench/baseline/app.py``) and bare Flask (P1) are started alike. Each endpoint is
driven by ``wrk -t1 -c8`` pinned to one core, a warm-up first, then ``--runs`` measured
runs alternating product and baseline (the order flips each run). Server CPU per
request is the user + system time of the server processes over the run / requests.

P5: statements per request from a cursor listener, cross-checked with
``pg_stat_statements`` in a throw-away cluster (``bench/pgstat.py``). P6: 1k against the
largest size (``bench/scaling.py``). P7: an open-loop run at 80% of the max rate
(``bench/openloop.py``). P8: a worker's RSS during a 200 MB upload (``bench/memory.py``).
P9: Celery email against an smtplib loop (``bench/email_rate.py``). P10: the
comparison's latest results (``bench/compare.py``).

Results go to ``bench/results.json`` (a run replaces only what it measured);
``bench/report.py`` writes ``bench/RESULTS.md`` and the charts.

``python -m bench --quick``: 1k tasks, gunicorn only, one short run of each.
``python -m bench --only P6,P9``: only those targets.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import logging
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench import data
from bench import inprocess
from bench.serve import RESULTS
from bench.serve import interleaved
from bench.serve import load_average
from bench.serve import private_redis
from bench.serve import say
from bench.serve import serving

HERE = Path(__file__).resolve().parent
TARGETS = [f"P{n}" for n in range(1, 11)]

ENDPOINTS = {
    # name: (lua script, extra environment, quality.md target)
    "livez": ("livez.lua", {}, "P1"),
    "get_task": ("get_task.lua", {}, "P2"),
    "list_tasks": ("list_tasks.lua", {"BENCH_PER_PAGE": "50"}, "P3"),
    "create_task": ("create_task.lua", {}, "P4"),
}


def lua_environment(dataset: data.Dataset, token: str) -> dict[str, str]:
    return {
        "BENCH_TOKEN": token,
        "BENCH_FIRST": str(dataset.first_task_id),
        "BENCH_LAST": str(dataset.last_task_id),
        "BENCH_PROJECT": str(dataset.project_id),
        "BENCH_PAGES": str(min(20, max(1, dataset.tasks // 50))),
    }


def product_environment(dataset: data.Dataset, redis_url: str) -> dict[str, str]:
    return {
        **inprocess.product_environment(dataset, redis_url),
        "TASKMANAGER_INSTANCE_PATH": str(HERE / "instance"),
    }


def run_dataset(dataset: data.Dataset, servers: list[str], args: argparse.Namespace,
                redis_url: str) -> dict[str, Any]:  # fmt: skip
    """P1-P4 (and P5's listener counts) on one dataset."""
    from taskmanager import create_app

    os.environ.setdefault("TASKMANAGER_INSTANCE_PATH", str(HERE / "instance"))
    app = create_app(inprocess.product_config(dataset, redis_url))
    token = inprocess.access_token(app, dataset)
    out: dict[str, Any] = {"servers": {}, "load_average": load_average()}
    if "P5" in args.only:
        say(f"P5 statements per request, in process ({dataset.name})")
        out["statements"] = inprocess.count_statements(app, token, dataset)
        say(f"  product: {out['statements']}")
    wanted = {n: e for n, e in ENDPOINTS.items() if e[2] in args.only}
    if not wanted:
        return out
    baseline_env = {
        "BENCH_DATABASE_URL": dataset.url,
        "BENCH_SECRET_KEY": inprocess.SECRET_KEY,
        "BENCH_REDIS_URL": redis_url,
    }
    lua_env = lua_environment(dataset, token)
    for server_name in servers:
        say(f"{dataset.name}: serving product, baseline and bare Flask on {server_name}")
        endpoints: dict[str, Any] = {}
        with (
            serving("product", "taskmanager.wsgi:app", server_name,
                    product_environment(dataset, redis_url)) as product,
            serving("baseline", "bench.baseline.app:create_app", server_name, baseline_env,
                    factory=True) as baseline,
            serving("bare", "bench.baseline.bare:app", server_name, {}) as bare,
        ):  # fmt: skip
            for name, (script, extra, target) in wanted.items():
                if name == "livez" and dataset.name != args.sizes[0]:
                    continue  # touches no data: once is enough
                pair = [product, bare if name == "livez" else baseline]
                env = {**lua_env, **extra}
                if name == "create_task":
                    env["BENCH_PROJECT"] = str(dataset.write_project_id)
                say(f"  {target} {name}: {args.runs} interleaved runs of {args.seconds:g} s")
                started = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
                endpoints[name] = interleaved(
                    pair, script, env, runs=args.runs, seconds=args.seconds, warmup=args.warmup
                )
                endpoints[name]["measured"] = {
                    "command": args.command.strip(),
                    "started": started,
                    "load": load_average(),
                }
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
        "load_average": load_average(), "platform": platform.platform(),
    }  # fmt: skip


def merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``new`` over ``old``, dict by dict: what this run did not measure stays."""
    out = dict(old)
    for key, value in new.items():
        if key == "targets" and isinstance(old.get(key), dict):
            out[key] = {**old[key], **value}  # a target measured again replaces its figures
        elif isinstance(value, dict) and isinstance(old.get(key), dict) and key != "servers":
            out[key] = merge(old[key], value)
        elif key == "servers" and isinstance(old.get(key), dict):
            out[key] = {s: {**old[key].get(s, {}), **e} for s, e in {**old[key], **value}.items()}
        else:
            out[key] = value
    return out


def _commit() -> str:
    """The code measured: the commit, marked when the work tree's src/ differs from it."""
    git = ["git", "-C", str(HERE.parent)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"],  # noqa: S603
                          capture_output=True, text=True)  # fmt: skip
    dirty = subprocess.run([*git, "status", "--porcelain", "--", "src"],  # noqa: S603
                           capture_output=True, text=True)  # fmt: skip
    return head.stdout.strip() + (" + changes in src/" if dirty.stdout.strip() else "")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="1k tasks, gunicorn, one run")
    parser.add_argument("--only", help="comma-separated targets, e.g. P6,P9 (default: all)")
    parser.add_argument("--sizes", nargs="+", choices=list(data.SIZES))
    parser.add_argument("--servers", nargs="+", choices=["gunicorn", "granian"])
    parser.add_argument("--runs", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--emails", type=int, help="P9's message count (1000; --quick: 300)")
    parser.add_argument(
        "--run-compare",
        action="store_true",
        help="P10: run make compare first (~15 min) instead of reading its results",
    )
    parser.add_argument("--no-report", action="store_true")
    parser.add_argument(
        "--merge", action="store_true", help="keep the P1-P5 rows of sizes not run now"
    )
    args = parser.parse_args(argv)
    only = [t.strip().upper() for t in (args.only or ",".join(TARGETS)).split(",") if t.strip()]
    unknown = sorted(set(only) - set(TARGETS))
    if unknown:
        parser.error(f"unknown target(s) {', '.join(unknown)}: choose from P1 to P10")
    args.only = only
    args.sizes = args.sizes or (["1k"] if args.quick else list(data.SIZES))
    args.servers = args.servers or (["gunicorn"] if args.quick else ["gunicorn", "granian"])
    args.runs = args.runs or (1 if args.quick else 3)
    args.emails = args.emails or (300 if args.quick else 1000)
    args.seconds = args.seconds or (5.0 if args.quick else 10.0)
    command = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
    args.command = f"{command.strip()} @ {_commit()}"
    return args


def run_targets(args: argparse.Namespace, redis_url: str) -> dict[str, Any]:
    """P5's cross-check and P6-P10, each with its own command, time and load."""
    from bench import compare
    from bench import email_rate
    from bench import memory
    from bench import openloop
    from bench import pgstat
    from bench import scaling

    steps = {
        "P5": lambda: pgstat.run(args, redis_url),
        "P6": lambda: scaling.run(args, redis_url),
        "P7": lambda: openloop.run(args, redis_url),
        "P8": lambda: memory.run(args, redis_url),
        "P9": lambda: email_rate.run(args),
        "P10": lambda: compare.run(args),
    }
    out: dict[str, Any] = {}
    for target, step in steps.items():
        if target not in args.only:
            continue
        started = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        say(f"{target}: start (load {load_average()})")
        try:
            result = step()
        except Exception as error:  # one target's failure keeps the others' figures
            say(f"{target}: FAILED: {error!r}")
            result = {"error": repr(error)[:500]}
        if result is None:
            continue
        out[target] = {"command": args.command.strip(), "started": started,
                       "load_average": load_average(), **result}  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request otherwise
    started = datetime.datetime.now(datetime.UTC)
    say(f"bench: targets {','.join(args.only)}; sizes {args.sizes}, servers {args.servers}, "
        f"{args.runs} runs of {args.seconds:g} s")  # fmt: skip
    previous: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results: dict[str, Any] = {"datasets": {}, "targets": {}}
    throughput = {"P1", "P2", "P3", "P4"} & set(args.only)
    with private_redis() as redis_url:
        if throughput or "P5" in args.only:
            for size in args.sizes:
                dataset = data.ensure(size, log=say)
                results["datasets"][size] = run_dataset(dataset, args.servers, args, redis_url)
        if throughput:
            results.update({
                "command": args.command.strip(), "started": started.isoformat(timespec="seconds"),
                "machine": machine(), "runs": args.runs, "seconds": args.seconds,
                "connections": 8, "workers": 2,
                "finished": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            })  # fmt: skip
        results["targets"] = run_targets(args, redis_url)
    if throughput and not args.merge and len(throughput) == 4:
        previous.pop("datasets", None)  # a full P1-P4 run replaces the earlier sizes
    merged = merge(previous, results)
    merged.setdefault("machine", machine())
    RESULTS.write_text(json.dumps(merged, indent=1))
    say(f"results in {RESULTS}")
    if not args.no_report:
        from bench import report

        report.write(merged)
        say(f"report in {report.RESULTS_MD}")


if __name__ == "__main__":
    main()
