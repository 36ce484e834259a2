"""Renders deploy/nginx.conf.j2: for docker compose, for `make stack` and for tests.

One template, so the configuration the tests run through nginx is the one that
ships. ``python -m deploy.nginx`` rewrites the committed ``deploy/nginx.conf`` (the
compose rendering); a test fails when the two drift apart.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import jinja2

from taskmanager.billing.plans import MB
from taskmanager.billing.plans import PLANS

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "nginx.conf.j2"
COMPOSE_CONFIG = HERE / "nginx.conf"
# A multipart body carries the file plus its boundaries, headers and form fields.
MULTIPART_OVERHEAD_MB = 1


def largest_upload_mb() -> int:
    """The biggest file any plan accepts, in whole MB (rounded up)."""
    largest = max(plan.largest_file_bytes or 0 for plan in PLANS.values())
    return -(-largest // MB)


@dataclass(frozen=True)
class NginxSettings:
    """Everything that differs between a compose host, `make stack` and a test."""

    upstreams: Sequence[str] = ("web:8000",)
    listen: str = "443"
    http_listen: str = "80"
    tls: bool = True
    tls_certificate: str = "/etc/nginx/certs/fullchain.pem"
    tls_certificate_key: str = "/etc/nginx/certs/privkey.pem"
    # Loopback without TLS (make stack, tests): tell the production app the client
    # used HTTPS, as browsers treat http://127.0.0.1 as a secure context too.
    loopback_as_https: bool = False
    # The workers' user and group (nginx's `user`; only honoured when started as
    # root). The group must read the app's attachment folders (0750).
    user: str = "nginx taskmanager"
    static_root: str = "/srv/taskmanager/static"
    attachments_root: str = "/srv/taskmanager/attachments"
    pid: str = "/var/run/nginx.pid"
    error_log: str = "/dev/stderr"
    access_log: str = "/dev/stdout"
    mime_types: str = "/etc/nginx/mime.types"
    temp_dir: str = ""  # empty: nginx's compiled-in temp paths
    client_max_body_size: str = field(
        default_factory=lambda: f"{largest_upload_mb() + MULTIPART_OVERHEAD_MB}m"
    )
    header: str = "Rendered from deploy/nginx.conf.j2 by deploy/nginx.py: edit the template."


def render(settings: NginxSettings) -> str:
    environment = jinja2.Environment(  # noqa: S701 - nginx configuration, not HTML
        loader=jinja2.FileSystemLoader(HERE),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    return environment.get_template(TEMPLATE.name).render(**asdict(settings))


def write(settings: NginxSettings, path: Path) -> Path:
    """Render ``settings`` to ``path``, creating ``temp_dir`` if one is set."""
    if settings.temp_dir:
        Path(settings.temp_dir).mkdir(parents=True, exist_ok=True)
    path.write_text(render(settings))
    return path


if __name__ == "__main__":
    write(NginxSettings(), COMPOSE_CONFIG)
    sys.stdout.write(f"wrote {COMPOSE_CONFIG}\n")
