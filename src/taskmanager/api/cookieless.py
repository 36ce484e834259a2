"""The API reads no cookies: the Cookie header is dropped before Flask sees the request.

The API authenticates with bearer tokens only, which is why it needs no CSRF
protection. That holds only if nothing falls back to a cookie: Flask-Login would
load the page session's user, or a remember-me cookie, for any code that asks for
``current_user``. Removing the header at the WSGI edge makes that impossible for
every extension at once, instead of trusting each one to look away.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment


class CookielessApi:
    """WSGI middleware: requests under ``prefix`` arrive without their cookies."""

    def __init__(self, app: WSGIApplication, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == self.prefix or path.startswith(self.prefix + "/"):
            environ.pop("HTTP_COOKIE", None)
        return self.app(environ, start_response)
