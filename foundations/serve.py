"""The shared ``__main__`` of the three apps: parse the options, serve with wsgiref.

``python -m foundations.<app> [--port N] [--with-middleware]`` serves on localhost and
prints ``Serving on http://localhost:N`` once the socket is listening. wsgiref's
server handles one request at a time and is meant for learning, not production.

Standard library only, like ``raw_wsgi`` which uses it.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
from collections.abc import Mapping
from collections.abc import Sequence
from wsgiref.simple_server import make_server
from wsgiref.types import WSGIApplication

from foundations.middleware import default_chain
from foundations.middleware import static_credentials

DEFAULT_PORT = 8000
DEFAULT_USER = "admin"
DEFAULT_PASSWORD = "secret"  # noqa: S105 - a documented development default


def main(app: WSGIApplication, argv: Sequence[str] | None = None, *, prog: str) -> None:
    """Serve ``app`` until interrupted; ``argv`` defaults to ``sys.argv[1:]``."""
    parser = argparse.ArgumentParser(prog=prog, description="Serve the app on localhost.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="default: 8000")
    parser.add_argument(
        "--with-middleware",
        action="store_true",
        help="wrap the app in the middleware chain; /secret takes FOUNDATIONS_USER and "
        "FOUNDATIONS_PASSWORD (default admin/secret)",
    )
    args = parser.parse_args(argv)
    if args.with_middleware:
        app = with_middleware(app, os.environ)
    # The access log lines already carry their own timestamp.
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        server = make_server("localhost", args.port, app)
    except OSError as error:
        parser.exit(
            1, f"Cannot listen on localhost:{args.port} ({error.strerror}): pass --port N.\n"
        )
    with server:
        print(f"Serving on http://localhost:{server.server_port}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is the way to stop
            server.serve_forever()


def with_middleware(app: WSGIApplication, env: Mapping[str, str]) -> WSGIApplication:
    """``app`` inside the full chain, with the credentials for /secret from ``env``."""
    check = static_credentials(
        env.get("FOUNDATIONS_USER", DEFAULT_USER),
        env.get("FOUNDATIONS_PASSWORD", DEFAULT_PASSWORD),
    )
    return default_chain(app, check=check)
