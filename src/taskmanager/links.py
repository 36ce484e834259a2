"""Absolute links, always on the configured base URL, never on the request's ``Host``.

A link in an email (password reset, confirmation, invitation, notification,
unsubscribe), the iCal feed or a header outlives the request that made it. Built from
the request's ``Host`` (or ``X-Forwarded-Host``), a caller who sends
``Host: evil.example`` to ``POST /reset`` gets the victim mailed a reset link to
evil.example. So the app's URL adapters, the ones ``url_for`` builds with, are bound
to ``BASE_URL`` (``TASKMANAGER_BASE_URL``): ``url_for(..., _external=True)`` anywhere,
Flask-Security's own mail included, answers with the configured scheme and host.
Routing is unchanged; only what is built differs.

Code that needs an absolute link calls ``external`` (an endpoint) or ``absolute``
(a path of this app); nothing else reads ``request.host`` to make one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from apiflask import APIFlask
from flask import Request
from flask import current_app
from flask import url_for
from werkzeug.routing import MapAdapter


def _base(config: dict[str, Any]) -> tuple[str, str, str]:
    """The configured base URL as (scheme, host[:port], path without trailing slash)."""
    parts = urlsplit(str(config["BASE_URL"]))
    return parts.scheme, parts.netloc, parts.path.rstrip("/")


def base_host(url: str) -> str:
    """The host name of a base URL, as ``TRUSTED_HOSTS`` lists it (no port)."""
    return urlsplit(url).hostname or ""


def problem(url: str) -> str | None:
    """Why ``url`` cannot be the base URL, or None when it can."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "use an absolute http(s) URL such as https://tasks.example.com"
    if parts.query or parts.fragment:
        return "leave out any query string or fragment"
    return None


class App(APIFlask):
    """APIFlask whose URL adapters build external URLs on ``BASE_URL``."""

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        # An untrusted Host raises here (400) before anything is bound.
        adapter = super().create_url_adapter(request)
        scheme, netloc, path = _base(self.config)
        if adapter is None or request is None:
            # Outside a request (a job, the CLI): bound to the base URL, so that
            # url_for(..., _external=True) works without SERVER_NAME.
            return self.url_map.bind(netloc, script_name=path + "/", url_scheme=scheme)
        # In a request the script name stays the request's: relative links on a page
        # (under the prefix a proxy mounts the app at) match how it was reached.
        adapter.url_scheme = scheme
        adapter.server_name = netloc
        return adapter


def external(endpoint: str, **values: Any) -> str:
    """The absolute URL of ``endpoint`` on the configured base URL."""
    return url_for(endpoint, _external=True, **values)


def absolute(path: str) -> str:
    """``path`` (of this app, starting with ``/``, as ``request.path`` gives it) on the base URL."""
    return str(current_app.config["BASE_URL"]).rstrip("/") + path


def safe_target(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default``: for every back/next.

    A ``back`` or ``next`` a client sends decides where the browser goes; anything but
    a plain local path (``//evil.example``, ``/\\evil.example``, ``https://...``,
    ``javascript:``, control characters that browsers strip) is an open redirect.
    Flask-Security's own ``next`` is checked by its ``validate_redirect_url``.
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ord(char) < 32 or char == "\\" for char in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
