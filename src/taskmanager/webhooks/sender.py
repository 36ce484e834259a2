"""One HTTP POST to a webhook target, with the limits an untrusted receiver needs.

The connection goes to an address ``targets.resolve`` checked, with the URL's host in
``Host`` and in TLS (SNI and certificate check). Redirects are not followed (a
public URL could redirect to a private one), timeouts are short, and at most
``MAX_RESPONSE_BYTES`` of the answer are read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import urllib3
from urllib3.exceptions import HTTPError

from taskmanager.webhooks.targets import Target

MAX_RESPONSE_BYTES = 64 * 1024
TIMEOUT = urllib3.Timeout(connect=3.0, read=10.0)
USER_AGENT = "TaskManager-Webhooks/1.0"


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    duration_ms: int
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _pool(target: Target, address: str) -> urllib3.HTTPConnectionPool:
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address, target.port, timeout=TIMEOUT, maxsize=1, retries=False,
            server_hostname=target.host, assert_hostname=target.host,
        )  # fmt: skip
    return urllib3.HTTPConnectionPool(
        address, target.port, timeout=TIMEOUT, maxsize=1, retries=False
    )


def post(target: Target, address: str, *, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST ``body`` to ``target`` at ``address``; never raises for a network problem."""
    started = time.monotonic()
    status: int | None = None
    error: str | None = None
    pool = _pool(target, address)
    try:
        response = pool.urlopen(
            "POST", target.path, body=body, redirect=False, preload_content=False,
            assert_same_host=False,
            headers={
                **headers, "Host": target.host_header, "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
            },
        )  # fmt: skip
        status = response.status
        response.read(MAX_RESPONSE_BYTES)
        response.close()
        if 300 <= status < 400:
            error = f"Redirects are not followed (to {response.headers.get('Location', '?')})."
        elif status >= 400:
            error = f"The receiver answered HTTP {status}."
    except HTTPError as problem:
        error = _describe(problem)
    finally:
        pool.close()
    return Outcome(status, int((time.monotonic() - started) * 1000), error and error[:300])


def _describe(problem: HTTPError) -> str:
    reason = getattr(problem, "reason", None) or problem
    text = str(reason)
    if "timed out" in text.lower():
        return "The receiver did not answer in time."
    if "refused" in text.lower():
        return "The connection was refused."
    return f"Could not deliver: {text}"
