"""Serve one of the three blogs under a production server, schema first.

``python -m comparison serve {flask,django,fastapi} --port N [--database-url URL]
[--workers N] [--server {gunicorn,uvicorn,granian}]``

The launcher imports none of the apps: it runs each app's own migration command,
then replaces itself with the server process (so its pid is the server's master,
and a SIGTERM to it stops the server).
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
INSTANCE = HERE / "instance"


@dataclass(frozen=True)
class App:
    migrate: tuple[str, ...]  # after the interpreter
    migrate_cwd: Path
    target: str  # module:attribute, as the servers take it
    interface: str  # "wsgi" or "asgi"
    factory: bool
    default_server: str
    workdir: Path


APPS = {
    "flask": App(
        migrate=("-m", "flask", "--app", "comparison.flask_blog", "db", "upgrade"),
        migrate_cwd=ROOT,
        target="comparison.flask_blog:create_app",
        interface="wsgi",
        factory=True,
        default_server="gunicorn",
        workdir=ROOT,
    ),
    "django": App(
        migrate=("manage.py", "migrate", "--noinput", "--verbosity", "0"),
        migrate_cwd=HERE / "django_blog",
        target="blogsite.wsgi:application",
        interface="wsgi",
        factory=False,
        default_server="gunicorn",
        workdir=HERE / "django_blog",
    ),
    "fastapi": App(
        migrate=(
            "-m",
            "alembic",
            "-c",
            str(HERE / "fastapi_blog" / "alembic.ini"),
            "upgrade",
            "head",
        ),
        migrate_cwd=ROOT,
        target="comparison.fastapi_blog.main:create_app",
        interface="asgi",
        factory=True,
        default_server="uvicorn",
        workdir=ROOT,
    ),
}
SERVERS = ("gunicorn", "uvicorn", "granian")
# Granian's WSGI default is backpressure/2 threads per worker (256 at 2 workers): Django
# keeps one PostgreSQL connection per thread and runs past max_connections (100).
GRANIAN_WSGI_THREADS = 8


def server_command(app: App, server: str, host: str, port: int, workers: int) -> list[str]:
    """The argv that serves ``app`` on ``server`` (raises ValueError for a bad pairing)."""
    python = sys.executable
    if server == "granian":
        return [
            python, "-m", "granian",
            "--interface", app.interface,
            "--host", host, "--port", str(port),
            "--workers", str(workers),
            "--working-dir", str(app.workdir),
            "--no-ws",
            *(["--blocking-threads", str(GRANIAN_WSGI_THREADS)] if app.interface == "wsgi" else []),
            *(["--factory"] if app.factory else []),
            app.target,
        ]  # fmt: skip
    if server == "gunicorn" and app.interface == "wsgi":
        target = f"{app.target}()" if app.factory else app.target
        return [
            python, "-m", "gunicorn",
            "--workers", str(workers),
            "--bind", f"{host}:{port}",
            "--chdir", str(app.workdir),
            target,
        ]  # fmt: skip
    if server == "uvicorn" and app.interface == "asgi":
        return [
            python, "-m", "uvicorn",
            "--host", host, "--port", str(port),
            "--workers", str(workers),
            "--no-access-log",
            *(["--factory"] if app.factory else []),
            app.target,
        ]  # fmt: skip
    raise ValueError(
        f"{server} does not serve a {app.interface.upper()} app: use "
        f"{'gunicorn or granian' if app.interface == 'wsgi' else 'uvicorn or granian'}."
    )


def default_database_url(name: str) -> str:
    return f"sqlite:///{INSTANCE / f'{name}_blog.sqlite3'}"


def prepare_environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=database_url)
    # Workers of one server must share a key; a fresh one per launch is fine for a
    # demo (tokens die with the server). Set BLOG_SECRET_KEY to keep tokens valid.
    env.setdefault("BLOG_SECRET_KEY", secrets.token_urlsafe(32))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return env


def serve(args: argparse.Namespace) -> None:
    app = APPS[args.app]
    server = args.server or app.default_server
    try:
        command = server_command(app, server, args.host, args.port, args.workers)
    except ValueError as error:
        sys.exit(str(error))
    env = prepare_environment(args.database_url or default_database_url(args.app))
    # The schema comes from the app's own migrations, with its own tool.
    subprocess.run([sys.executable, *app.migrate], cwd=app.migrate_cwd, env=env, check=True)  # noqa: S603
    print(
        f"Serving the {args.app} blog with {server} on http://{args.host}:{args.port}", flush=True
    )
    os.chdir(app.workdir)
    os.execve(sys.executable, command, env)  # noqa: S606 (fixed argv, no shell)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m comparison", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="migrate, then serve one app")
    run.add_argument("app", choices=sorted(APPS))
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--database-url", help="default: an SQLite file in comparison/instance/")
    run.add_argument("--workers", type=int, default=2)
    run.add_argument("--server", choices=SERVERS, help="default: gunicorn (WSGI), uvicorn (ASGI)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.command == "serve":
        serve(args)
