"""`make stack`: the production topology on this machine, without Docker.

    nginx :8080 -> gunicorn :A, granian :B -> PostgreSQL (tm_stack), Redis
                   celery worker, celery beat

Production configuration (``TASKMANAGER_ENV=production``, JSON logs, a real secret
kept in a generated file), migrations first, then everything in the foreground:
Ctrl-C or SIGTERM stops it all cleanly, servers draining first. The tests in
tests/deploy drive the same class.

    python -m deploy.stack --port 8080
"""

from __future__ import annotations

import argparse
import grp
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import taskmanager
from deploy.nginx import NginxSettings
from deploy.nginx import write as write_nginx_config
from deploy.processes import Process
from deploy.processes import free_port
from deploy.processes import wait_for_http

ROOT = Path(__file__).resolve().parent.parent
STATIC_ROOT = Path(taskmanager.__file__).resolve().parent / "static"
SERVERS = ("gunicorn", "granian")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@dataclass
class StackConfig:
    """Where the stack keeps its state and which services it talks to."""

    workdir: Path
    port: int
    database_url: str
    redis_url: str
    broker_url: str
    servers: Sequence[str] = SERVERS
    wsgi_target: str = "taskmanager.wsgi:app"
    jobs: bool = True  # a Celery worker and beat
    demo: bool = False  # create the demo user and data (safe to run again)
    echo: bool = False  # copy every process's output to stdout, prefixed
    web_concurrency: int = 2
    # Processes of each server, each on its own port: nginx balances requests across
    # them (least_conn), as it does across compose's web replicas.
    replicas: int = 1
    env: Mapping[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def instances(self) -> list[str]:
        """Every server process by name: ``gunicorn``, then ``gunicorn-2`` and on."""
        return [
            name if number == 1 else f"{name}-{number}"
            for name in self.servers
            for number in range(1, self.replicas + 1)
        ]


def server_of(instance: str) -> str:
    """``gunicorn-2`` -> ``gunicorn``."""
    return instance.partition("-")[0]


def nginx_user() -> str:
    """nginx's workers in the group of the app's files, which they send.

    Started by an ordinary user, nginx's workers are that user and the directive is
    left out (nginx would only warn). Started by root, they would be ``nobody`` and
    could not enter the 0750 folders the app writes attachments into.
    """
    if os.geteuid() != 0:
        return ""
    return f"nobody {grp.getgrgid(os.getegid()).gr_name}"


class Stack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.workdir = config.workdir
        self.logs = self.workdir / "logs"
        self.servers: dict[str, Process] = {}
        self.server_ports: dict[str, int] = {}
        self.nginx: Process | None = None
        self.jobs: list[Process] = []

    # -- configuration -------------------------------------------------------------

    def secret_key(self) -> str:
        """A random secret made once and kept (0600), so sessions survive restarts."""
        path = self.workdir / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_hex(32))
        return path.read_text().strip()

    def app_env(self, **extra: str) -> dict[str, str]:
        """The environment of every app process: production settings, nothing inherited."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("TASKMANAGER_")}
        env.update(
            {
                "TASKMANAGER_ENV": "production",
                "TASKMANAGER_SECRET_KEY": self.secret_key(),
                "TASKMANAGER_DATABASE_URL": self.config.database_url,
                "TASKMANAGER_BROKER_URL": self.config.broker_url,
                "TASKMANAGER_REDIS_URL": self.config.redis_url,
                "TASKMANAGER_BASE_URL": self.config.base_url,
                "TASKMANAGER_PROXY_COUNT": "1",  # exactly one proxy: this nginx
                "TASKMANAGER_INSTANCE_PATH": str(self.workdir / "instance"),
                "TASKMANAGER_OUTBOX_DIR": str(self.workdir / "outbox"),
                "TASKMANAGER_ATTACHMENTS_ROOT": str(self.attachments_root),
                "TASKMANAGER_ATTACHMENTS_ACCEL_REDIRECT": "/_protected/attachments/",
                "WEB_CONCURRENCY": str(self.config.web_concurrency),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.config.env)
        env.update(extra)
        return env

    @property
    def attachments_root(self) -> Path:
        return self.workdir / "attachments"

    def server_command(self, name: str, port: int) -> list[str]:
        name = server_of(name)
        if name == "gunicorn":
            return [
                sys.executable, "-m", "gunicorn", "--config", str(ROOT / "deploy/gunicorn.conf.py"),
                "--bind", f"127.0.0.1:{port}", self.config.wsgi_target,
            ]  # fmt: skip
        if name == "granian":
            return [sys.executable, "-m", "deploy.granian_server", self.config.wsgi_target]
        raise ValueError(f"unknown app server {name!r}: use one of {', '.join(SERVERS)}")

    def server_env(self, name: str, port: int) -> dict[str, str]:
        return self.app_env(
            GRANIAN_HOST="127.0.0.1",
            GRANIAN_PORT=str(port),
            TASKMANAGER_DRAIN_FILE=str(self.workdir / f"{name}.draining"),
        )

    # -- lifecycle -------------------------------------------------------------------

    def migrate(self) -> None:
        commands = [["db", "upgrade"], ["demo"]] if self.config.demo else [["db", "upgrade"]]
        for command in commands:
            subprocess.run(
                [sys.executable, "-m", "flask", "--app", "taskmanager", *command],
                env=self.app_env(),
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL if not self.config.echo else None,
            )

    def start_server(self, name: str) -> Process:
        process = self.spawn_server(name)
        self.wait_for_server(name)
        return process

    def spawn_server(self, name: str) -> Process:
        """Start the instance ``name`` without waiting for it to answer."""
        port = self.server_ports.get(name) or free_port()
        self.server_ports[name] = port
        process = Process(
            name,
            self.server_command(name, port),
            env=self.server_env(name, port),
            log=self.logs / f"{name}.log",
            cwd=ROOT,
            echo=self.config.echo,
        ).start()
        self.servers[name] = process
        return process

    def wait_for_server(self, name: str) -> None:
        wait_for_http(f"http://127.0.0.1:{self.server_ports[name]}/livez", self.servers[name])

    def nginx_settings(self) -> NginxSettings:
        return NginxSettings(
            upstreams=[f"127.0.0.1:{self.server_ports[name]}" for name in self.config.instances],
            listen=f"127.0.0.1:{self.config.port}",
            tls=False,
            loopback_as_https=True,
            user=nginx_user(),
            static_root=str(STATIC_ROOT),
            attachments_root=str(self.attachments_root),
            pid=str(self.workdir / "nginx.pid"),
            error_log=str(self.logs / "nginx-error.log"),
            access_log=str(self.logs / "nginx-access.log"),
            temp_dir=str(self.workdir / "nginx-temp"),
            header="Rendered by deploy/stack.py for this machine: edit deploy/nginx.conf.j2.",
        )

    def start_nginx(self) -> Process:
        conf = write_nginx_config(self.nginx_settings(), self.workdir / "nginx.conf")
        self.nginx = Process(
            "nginx",
            [NGINX, "-p", str(self.workdir), "-c", str(conf), "-g", "daemon off;"],
            env=dict(os.environ),
            log=self.logs / "nginx.log",
            cwd=ROOT,
            echo=self.config.echo,
        ).start()
        wait_for_http(f"{self.config.base_url}/livez", self.nginx)
        return self.nginx

    def start_jobs(self) -> None:
        worker = [
            sys.executable, "-m", "celery", "-A", "taskmanager.worker", "worker",
            "--loglevel", "INFO", "--concurrency", "2", "--hostname", f"stack-{os.getpid()}@%h",
        ]  # fmt: skip
        beat = [
            sys.executable, "-m", "celery", "-A", "taskmanager.worker", "beat", "--loglevel",
            "INFO", "--schedule", str(self.workdir / "celerybeat-schedule"),
        ]  # fmt: skip
        for name, command in (("worker", worker), ("beat", beat)):
            process = Process(
                name,
                command,
                env=self.app_env(),
                log=self.logs / f"{name}.log",
                cwd=ROOT,
                echo=self.config.echo,
            )
            self.jobs.append(process.start())

    def start(self) -> Stack:
        for path in (self.workdir, self.logs, self.attachments_root):
            path.mkdir(parents=True, exist_ok=True)
        self.migrate()
        # The servers boot side by side: each spends seconds importing the app.
        for name in self.config.instances:
            self.spawn_server(name)
        for name in self.config.instances:
            self.wait_for_server(name)
        self.start_nginx()
        if self.config.jobs:
            self.start_jobs()
        return self

    def stop(self) -> None:
        """Servers drain and finish in flight, then nginx goes, then the jobs."""
        servers = [p for p in self.servers.values() if p.running()]
        for process in servers:
            process.send(signal.SIGTERM)
        for process in servers:
            process.stop()
        if self.nginx is not None:
            self.nginx.stop(signum=signal.SIGQUIT)  # nginx's graceful stop
        for process in self.jobs:  # warm shutdown: the running job finishes
            process.stop(timeout=60)

    def __enter__(self) -> Stack:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *_: object) -> None:
        self.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("STACK_PORT", 8080)))
    parser.add_argument("--workdir", type=Path, default=ROOT / "instance" / "stack")
    parser.add_argument("--database", default="tm_stack", help="PostgreSQL database name")
    args = parser.parse_args(argv)

    from deploy.services import ensure_database
    from deploy.services import private_redis

    database_url = ensure_database(args.database)
    stop = threading.Event()

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt  # while starting: unwind, stopping what already runs

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, interrupt)
    try:
        with private_redis(args.workdir) as redis_base:
            config = StackConfig(
                workdir=args.workdir,
                port=args.port,
                database_url=database_url,
                redis_url=f"{redis_base}/0",
                broker_url=f"{redis_base}/1",
                echo=True,
                demo=True,
            )
            with Stack(config) as stack:
                for signum in (signal.SIGINT, signal.SIGTERM):
                    signal.signal(signum, lambda *_: stop.set())
                ports = ", ".join(f"{name} :{port}" for name, port in stack.server_ports.items())
                print(
                    f"\nTaskManager (production stack): {config.base_url}\n"
                    f"  nginx -> {ports}; worker, beat; logs in {stack.logs}\n"
                    "  Ctrl-C stops everything.\n",
                    flush=True,
                )
                while not stop.wait(1):
                    processes = [*stack.servers.values(), *stack.jobs, stack.nginx]
                    dead = [p.name for p in processes if p is not None and not p.running()]
                    if dead:
                        print(f"stopping: {', '.join(dead)} exited", file=sys.stderr)
                        return 1
                print("\nstopping: servers drain, then nginx, worker and beat", flush=True)
    except KeyboardInterrupt:
        print("\nstopped while starting", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
