"""Two app servers (gunicorn and granian) behind one nginx, as `make stack` runs them.

quality.md: the journey lands on both servers (asserted from their logs) with no
secret in any log; killing one server loses no request after the switch; SIGTERM
drains (readiness 503 first, every request in flight completes).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import requests

from deploy.processes import Process
from deploy.stack import SERVERS
from deploy.stack import Stack
from tests.deploy.conftest import log_entries
from tests.factories import PASSWORD
from tests.support.http_client import Browser

pytestmark = pytest.mark.xdist_group("deploy")
SWITCH_SECONDS = 1.0
AS_NGINX = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}


def api_token(stack: Stack, email: str) -> str:
    response = requests.post(
        f"{stack.config.base_url}/api/v1/auth/tokens",
        json={"email": email, "password": PASSWORD},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    token: str = response.json()["access_token"]
    return token


def path_of(location: str) -> str:
    return urlsplit(location).path


def served_by(stack: Stack, request_ids: set[str]) -> dict[str, set[str]]:
    """Which server's access log holds each of ``request_ids``."""
    found: dict[str, set[str]] = {}
    for name in SERVERS:
        for entry in log_entries(stack.logs / f"{name}.log"):
            if entry.get("logger") == "taskmanager.access" and entry["request_id"] in request_ids:
                found.setdefault(name, set()).add(entry["request_id"])
    return found


def test_a_journey_through_nginx_works_on_both_servers_and_logs_no_secret(stack, team):
    owner, org, project = team
    browser = Browser(stack.config.base_url)
    signed_in = browser.post(
        "/login",
        data={
            "email": owner.email,
            "password": PASSWORD,
            "csrf_token": browser.csrf_token("/login"),
        },
    )
    assert signed_in.status_code in (302, 303), signed_in.text[:500]
    for number in range(6):
        csrf = browser.csrf_token(f"/o/{org.slug}")
        created = browser.post(
            f"/o/{org.slug}/projects", data={"name": f"Journey {number}", "csrf_token": csrf}
        )
        assert created.status_code == 303 and "/projects/" in created.headers["Location"]
        assert f"Journey {number}" in browser.get(path_of(created.headers["Location"])).text
    refused = browser.post(f"/o/{org.slug}/projects", data={"name": "Without a token"})
    assert refused.status_code == 400
    invited = browser.post(
        f"/o/{org.slug}/invitations",
        data={
            "email": "new.colleague@example.com",
            "role": "member",
            "csrf_token": browser.csrf_token(f"/o/{org.slug}"),
        },
    )
    assert invited.status_code in (302, 303)
    invitation_id = invited.headers["X-Request-ID"]

    api = Browser(stack.config.base_url)
    token = api_token(stack, owner.email)
    bearer = {"Authorization": f"Bearer {token}"}
    for number in range(6):
        made = api.post(
            f"/api/v1/projects/{project.id}/tasks", json={"title": f"API {number}"}, headers=bearer
        )
        assert made.status_code == 201, made.text
        read = api.get(f"/api/v1/tasks/{made.json()['id']}", headers=bearer)
        assert read.status_code == 200 and read.json()["title"] == f"API {number}"

    ids = set(browser.request_ids + api.request_ids)
    found = served_by(stack, ids)
    assert set(found) == set(SERVERS), f"requests landed only on {sorted(found)}"
    # nginx logged the same ids it passed on.
    nginx_ids = {entry["request_id"] for entry in log_entries(stack.logs / "nginx-access.log")}
    assert ids <= nginx_ids
    # The page requests name the user and the organization.
    access = [
        entry
        for name in SERVERS
        for entry in log_entries(stack.logs / f"{name}.log")
        if entry.get("logger") == "taskmanager.access" and entry["request_id"] in ids
    ]
    assert any(e["user_id"] == owner.id and e["org_id"] == org.id for e in access)
    for entry in access:
        assert {"time", "level", "method", "path", "status", "duration_ms"} <= set(entry)
    # The invitation email's job logged the id of the request that published it.
    wait_for_log(stack, "worker", invitation_id)

    secrets = [PASSWORD, token, stack.secret_key(), *browser.cookies.values()]
    for log in stack.logs.iterdir():
        text = log.read_text(errors="replace")
        for secret in secrets:
            assert secret not in text, f"a secret is in {log.name}"


def wait_for_log(stack: Stack, name: str, needle: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if needle in (stack.logs / f"{name}.log").read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise AssertionError(f"{needle} never appeared in {name}.log")


@contextlib.contextmanager
def brought_back(stack: Stack, server: str) -> Iterator[Process]:
    """Start ``server`` again after the block, even when the block fails.

    The stack is shared by the package: a server a failed test left stopped would turn
    every later test into a 502 and hide which test really failed.
    """
    try:
        yield stack.servers[server]
    finally:
        stack.servers[server].stop(timeout=60)  # a second SIGTERM, if it is still draining
        stack.start_server(server)


@pytest.mark.parametrize("server", SERVERS)
def test_sigterm_answers_readyz_503_at_once_and_finishes_every_request_in_flight(stack, server):
    base = f"http://127.0.0.1:{stack.server_ports[server]}"
    as_nginx = {**AS_NGINX, "Host": urlsplit(stack.config.base_url).netloc}
    assert requests.get(f"{base}/readyz", timeout=10).status_code == 200
    with brought_back(stack, server) as process, ThreadPoolExecutor(max_workers=21) as pool:
        slow = [
            pool.submit(requests.get, f"{base}/_test/slow?seconds=2", headers=as_nginx, timeout=60)
            for _ in range(20)
        ]
        time.sleep(1)  # let all 20 connect and start
        finished = [future.result().status_code for future in slow if future.done()]
        assert finished == [], finished
        process.send(signal.SIGTERM)
        # "At once" as an order, not a timer: readiness fails while every one of the
        # requests that were in flight at the signal is still running. (A signal reaches
        # a busy machine's process some milliseconds late; a fixed count of probes
        # raced that.)
        readiness: list[int] = []
        while not any(future.done() for future in slow):
            readiness.append(requests.get(f"{base}/readyz", timeout=10).status_code)
            if readiness[-1] == 503:
                break
        assert readiness and readiness[-1] == 503, readiness
        assert not any(future.done() for future in slow), "a request finished before readiness"
        answers = [future.result() for future in slow]
        assert [answer.status_code for answer in answers] == [200] * 20
        assert process.wait(timeout=60) is not None, f"{server} did not exit"


def test_killing_one_server_mid_run_fails_no_request_after_the_switch(stack, team):
    owner, _, project = team
    bearer = {"Authorization": f"Bearer {api_token(stack, owner.email)}"}
    base = stack.config.base_url
    outcomes: list[tuple[float, int | str]] = []
    stop = threading.Event()

    def load(write: bool) -> None:
        with requests.Session() as http:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    if write:
                        response = http.post(
                            f"{base}/api/v1/projects/{project.id}/tasks",
                            json={"title": "under fire"},
                            headers=bearer,
                            timeout=30,
                        )
                    else:
                        response = http.get(f"{base}/api/v1/tasks", headers=bearer, timeout=30)
                    outcomes.append((started, response.status_code))
                except requests.RequestException as error:
                    outcomes.append((started, type(error).__name__))

    threads = [threading.Thread(target=load, args=(n % 2 == 0,)) for n in range(4)]
    for thread in threads:
        thread.start()
    with brought_back(stack, "gunicorn") as gunicorn:
        try:
            time.sleep(2)
            killed_at = time.monotonic()
            gunicorn.kill()
            time.sleep(4)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
    # The switch: nginx drops its idle keep-alive connections to the dead server as
    # their close arrives. A write sent down one of them in that instant gets a 502,
    # on purpose: nginx never resends a POST that may have reached a server.
    switched_at = killed_at + SWITCH_SECONDS
    before = [status for started, status in outcomes if started < killed_at]
    after = [status for started, status in outcomes if started >= switched_at]
    assert before and after
    failures = [
        (round(started - killed_at, 3), status)
        for started, status in outcomes
        if started >= switched_at and status not in (200, 201)
    ]
    assert failures == [], Counter(after)


def test_an_attachment_goes_up_and_comes_back_through_nginx_via_x_accel_redirect(stack, team):
    owner, _, project = team
    bearer = {"Authorization": f"Bearer {api_token(stack, owner.email)}"}
    base = stack.config.base_url
    task = requests.post(
        f"{base}/api/v1/projects/{project.id}/tasks",
        json={"title": "With a file"},
        headers=bearer,
        timeout=30,
    )
    assert task.status_code == 201, task.text
    payload = b"%PDF-1.4\n" + os.urandom(2_000_000)
    uploaded = requests.post(
        f"{base}/api/v1/tasks/{task.json()['id']}/attachments",
        files={"file": ("quarterly report.pdf", payload, "application/pdf")},
        headers=bearer,
        timeout=60,
    )
    assert uploaded.status_code == 201, uploaded.text
    attachment = uploaded.json()
    assert attachment["size"] == len(payload)
    assert attachment["sha256"] == hashlib.sha256(payload).hexdigest()
    # The upload streamed through nginx (proxy_request_buffering off): a buffered
    # body past client_body_buffer_size is spooled to disk, which nginx logs.
    errors = (stack.logs / "nginx-error.log").read_text(errors="replace")
    assert "client request body is buffered to a temporary file" not in errors

    download = requests.get(f"{base}{attachment['download_url']}", headers=bearer, timeout=60)
    assert download.status_code == 200, download.text[:500]
    assert download.content == payload
    assert hashlib.sha256(download.content).hexdigest() == attachment["sha256"]
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "X-Accel-Redirect" not in download.headers
    # nginx sent the bytes itself: each app server answers the same request with
    # an empty body naming the file in nginx's internal location.
    host = {**AS_NGINX, "Host": urlsplit(base).netloc}
    for server in SERVERS:
        app = requests.get(
            f"http://127.0.0.1:{stack.server_ports[server]}{attachment['download_url']}",
            headers={**bearer, **host},
            timeout=30,
        )
        assert app.status_code == 200 and app.content == b"", server
        assert app.headers["X-Accel-Redirect"].startswith("/_protected/attachments/"), server
    key = app.headers["X-Accel-Redirect"].removeprefix("/_protected/attachments/")
    assert (stack.attachments_root / key).read_bytes() == payload
    # nginx logs the download under the internal path it redirected to.
    sent = [
        entry
        for entry in log_entries(stack.logs / "nginx-access.log")
        if entry["path"] == f"/_protected/attachments/{key}"
    ]
    assert sent and sent[0]["status"] == 200 and sent[0]["bytes_sent"] == len(payload), sent
    direct = requests.get(f"{base}/_protected/attachments/{key}", timeout=30)
    assert direct.status_code == 404
    refused = requests.get(f"{base}{attachment['download_url']}", timeout=30)
    assert refused.status_code == 401


def test_every_line_the_app_servers_write_is_json(stack, team):
    """Their own lines (start, workers, shutdown) too, not only the app's (server_logs.py)."""
    own = {"gunicorn": "gunicorn.error", "granian": "_granian"}
    for name in SERVERS:
        lines = [line for line in (stack.logs / f"{name}.log").read_text().splitlines() if line]
        assert [line for line in lines if not _json_object(line)] == [], name
        loggers = {json.loads(line)["logger"] for line in lines}
        assert own[name] in loggers and "taskmanager.access" in loggers, (name, loggers)


def _json_object(line: str) -> bool:
    try:
        entry = json.loads(line)
    except ValueError:
        return False
    return isinstance(entry, dict) and {"time", "level", "logger", "message"} <= set(entry)
