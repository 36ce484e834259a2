"""The API reads no cookies: the Cookie header is dropped before Flask sees the request,
and no session cookie is written (nor ``Vary: Cookie``) on its answers.

The API authenticates with bearer tokens only, which is why it needs no CSRF
protection. That holds only if nothing falls back to a cookie: Flask-Login would
load the page session's user, or a remember-me cookie, for any code that asks for
``current_user``. Removing the header at the WSGI edge makes that impossible for
every extension at once, instead of trusting each one to look away.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from typing import Any

from flask import Flask
from flask import Response
from flask import request as current_request
from flask.sessions import SecureCookieSession
from flask.sessions import SecureCookieSessionInterface

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment


API_PREFIX = "/api/v1"


def is_api_path(path: str, prefix: str = API_PREFIX) -> bool:
    return path == prefix or path.startswith(prefix + "/")


class CookielessApi:
    """WSGI middleware: requests under ``prefix`` arrive without their cookies."""

    def __init__(self, app: WSGIApplication, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if is_api_path(environ.get("PATH_INFO", ""), self.prefix):
            environ.pop("HTTP_COOKIE", None)
        return self.app(environ, start_response)


class PageSessions(SecureCookieSessionInterface):
    """Signed-cookie sessions for the pages; API requests get an empty one, never saved.

    Flask-Login still looks at the session on API requests (for ``current_user``);
    it finds it empty, and nothing about it reaches the answer.
    """

    def __init__(self, api_prefix: str) -> None:
        self.api_prefix = api_prefix

    def _is_api(self, path: str) -> bool:
        return is_api_path(path, self.api_prefix)

    def open_session(self, app: Flask, request: Any) -> SecureCookieSession | None:
        if self._is_api(request.path):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        if self._is_api(current_request.path):
            return
        super().save_session(app, session, response)
