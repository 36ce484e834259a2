"""deploy/: the files a Docker host runs, checked without a Docker engine.

nginx checks its own configuration (``nginx -t``), hadolint lints the Dockerfile,
and the compose file is read as YAML, as ``docker compose config`` would.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from deploy.nginx import COMPOSE_CONFIG
from deploy.nginx import NginxSettings
from deploy.nginx import largest_upload_mb
from deploy.nginx import render
from deploy.nginx import write
from deploy.stack import NGINX
from deploy.stack import Stack
from deploy.stack import StackConfig
from taskmanager.billing.plans import MB
from taskmanager.billing.plans import PLANS

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
LONG_RUNNING = {"nginx", "web", "worker", "beat", "postgres", "redis"}


def nginx_test(settings: NginxSettings, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    conf = write(settings, tmp_path / "nginx.conf")
    return subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )


def local_settings(tmp_path: Path, **changes: object) -> NginxSettings:
    settings: dict[str, object] = {
        "upstreams": ["127.0.0.1:1", "127.0.0.1:2"],
        "listen": "127.0.0.1:1",
        "http_listen": "127.0.0.1:2",
        "tls": False,
        "user": "",
        "static_root": str(tmp_path / "static"),
        "attachments_root": str(tmp_path / "attachments"),
        "pid": str(tmp_path / "nginx.pid"),
        "error_log": str(tmp_path / "error.log"),
        "access_log": str(tmp_path / "access.log"),
        "temp_dir": str(tmp_path / "temp"),
    }
    settings.update(changes)
    return NginxSettings(**settings)  # type: ignore[arg-type]


def test_the_committed_nginx_conf_is_the_template_rendered_for_compose():
    assert COMPOSE_CONFIG.read_text() == render(NginxSettings()), (
        "deploy/nginx.conf is out of date: run python -m deploy.nginx"
    )


def test_nginx_accepts_the_stack_configuration(tmp_path):
    result = nginx_test(local_settings(tmp_path), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_nginx_accepts_the_tls_configuration_compose_ships(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            shutil.which("openssl") or "openssl", "req", "-x509", "-newkey", "rsa:2048",
            "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    settings = local_settings(
        tmp_path, tls=True, tls_certificate=str(cert), tls_certificate_key=str(key)
    )
    result = nginx_test(settings, tmp_path)
    assert result.returncode == 0, result.stderr


def test_nginx_takes_the_largest_upload_any_plan_allows():
    largest = max(plan.largest_file_bytes or 0 for plan in PLANS.values())
    (size,) = re.findall(r"client_max_body_size (\d+)m;", COMPOSE_CONFIG.read_text())
    assert largest <= int(size) * MB <= largest + 2 * MB
    assert largest_upload_mb() == 100


def test_attachment_bytes_are_served_only_through_x_accel_redirect():
    conf = COMPOSE_CONFIG.read_text()
    block = conf[conf.index("location /_protected/attachments/") :]
    block = block[: block.index("}")]
    assert "internal;" in block
    assert "alias /srv/taskmanager/attachments/;" in block


def test_nginx_passes_the_request_id_and_exactly_what_proxyfix_reads():
    conf = COMPOSE_CONFIG.read_text()
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Request-ID"):
        assert f"proxy_set_header {header} " in conf
    assert "max_fails=" in conf and "fail_timeout=" in conf
    assert "proxy_next_upstream error timeout" in conf


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def test_compose_runs_every_service_of_the_topology(compose):
    assert set(compose["services"]) >= LONG_RUNNING


def test_compose_restarts_long_running_services_unless_stopped(compose):
    for name in LONG_RUNNING:
        assert compose["services"][name]["restart"] == "unless-stopped", name


def test_compose_keeps_state_in_named_volumes(compose):
    declared = set(compose["volumes"])
    assert {"postgres", "redis", "attachments"} <= declared
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            assert source in declared or source.startswith("./"), (name, volume)


def test_the_web_tier_can_scale_because_it_publishes_no_host_port(compose):
    web = compose["services"]["web"]
    assert "ports" not in web and "container_name" not in web
    assert "web:8000" in COMPOSE_CONFIG.read_text()


def test_each_request_goes_to_the_least_busy_of_single_process_web_replicas(compose, tmp_path):
    # One queue in front of every process: nginx's least_conn across replicas of one
    # process each (README, "Which server: measured", run G).
    upstream = re.search(r"upstream taskmanager \{(.*?)\}", COMPOSE_CONFIG.read_text(), re.S)
    assert upstream and "least_conn;" in upstream.group(1)
    assert compose["services"]["web"]["deploy"]["replicas"] >= 2
    assert "\nWEB_CONCURRENCY=1\n" in (DEPLOY / ".env.example").read_text()
    # make load and make stack build the same shape: every replica is an upstream.
    config = StackConfig(tmp_path, 1, "", "", "", servers=("gunicorn",), replicas=2)
    stack = Stack(config)
    stack.server_ports = {"gunicorn": 8001, "gunicorn-2": 8002}
    assert config.instances == ["gunicorn", "gunicorn-2"]
    assert stack.nginx_settings().upstreams == ["127.0.0.1:8001", "127.0.0.1:8002"]
    assert stack.server_command("gunicorn-2", 8002) == stack.server_command("gunicorn", 8002)


def test_the_env_example_names_every_variable_compose_requires(compose):
    example = (DEPLOY / ".env.example").read_text()
    text = (DEPLOY / "docker-compose.yml").read_text()
    for variable in set(re.findall(r"\$\{(\w+):\?", text)):
        assert f"{variable}=" in example, variable
    assert "TASKMANAGER_SECRET_KEY=" in example


def test_the_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint") or str(Path(__file__).parents[2] / ".venv/bin/hadolint")
    result = subprocess.run(
        [hadolint, str(DEPLOY / "Dockerfile")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def stages(dockerfile: str) -> dict[str, str]:
    parts = re.split(r"^FROM ", dockerfile, flags=re.MULTILINE)[1:]
    return {part.split("\n", 1)[0].split(" AS ")[-1].strip(): part for part in parts}


def test_the_app_image_is_slim_non_root_and_has_no_build_tools():
    found = stages((DEPLOY / "Dockerfile").read_text())
    assert {"build", "app", "nginx"} <= set(found)
    app = found["app"]
    assert (
        "${PYTHON_IMAGE}" in app.split("\n", 1)[0] and "slim" in (DEPLOY / "Dockerfile").read_text()
    )
    user = re.findall(r"^USER (\S+)", app, flags=re.MULTILINE)
    assert user and not user[-1].startswith(("root", "0")), user
    for tool in ("gcc", "build-essential", "-dev", "pip install"):
        assert tool not in app, tool
    # The only system packages are the runtime libraries the app loads.
    installed = re.findall(r"apt-get install -y --no-install-recommends ([^\\&\n]+)", app)
    assert [packages.split() for packages in installed] == [["libmagic1"]], installed
    assert "rm -rf /var/lib/apt/lists/*" in app
    assert re.search(r"HEALTHCHECK .*\n?.*/livez", app)


def test_nginx_workers_run_in_the_group_that_owns_the_attachment_files():
    found = stages((DEPLOY / "Dockerfile").read_text())
    assert "groupadd --system --gid 10001 taskmanager" in found["nginx"]
    assert "useradd --system --uid 10001 --gid taskmanager" in found["app"]
    assert "\nuser nginx taskmanager;\n" in COMPOSE_CONFIG.read_text()
