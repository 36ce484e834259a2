"""The app served for real over HTTP on a loopback port, for a browser to drive.

Werkzeug's threaded server runs in a background thread of the test process, so the
browser's requests reach the very app object the fixtures configured. While it runs,
the app's base URL (from which every emailed link is built, never from the request's
Host) is this server's ``http://127.0.0.1:<port>``, so links lead back to it.
"""

from __future__ import annotations

import logging
import threading
import urllib.request
from types import TracebackType
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer
from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server

logger = logging.getLogger(__name__)


class _RequestHandler(WSGIRequestHandler):
    """Access lines through logging: pytest shows them with a failing test only.

    Werkzeug's own handler adds a stderr handler to its logger when none is set,
    which would print every request of every passing test.
    """

    def log(self, type: str, message: str, *args: Any) -> None:
        level = logging.WARNING if type == "error" else logging.INFO
        logger.log(level, "%s %s", self.address_string(), message % args)


POLL_SECONDS = 0.05
_RUNNING: dict[int, list[LiveServer]] = {}
_ORIGINAL_BASE_URL: dict[int, str] = {}


class LiveServer:
    """A running server for ``app``; ``url`` is its base address without a trailing slash."""

    def __init__(self, app: Flask) -> None:
        # Port 0: the kernel picks a free port while binding, so nothing can take it
        # between choosing and listening.
        self._server: BaseWSGIServer = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=_RequestHandler
        )
        self.url = f"http://127.0.0.1:{self._server.port}"
        self._app = app
        # shutdown() waits for the loop's next poll: at the default half second that
        # was up to 0.5 s of every browser test's teardown.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": POLL_SECONDS},
            name=f"live-server-{self._server.port}",
            daemon=True,
        )

    def start(self) -> LiveServer:
        self._thread.start()
        # The socket already listens; one request proves the app answers through it.
        with urllib.request.urlopen(f"{self.url}/livez", timeout=10) as response:
            if response.status != 200:
                raise RuntimeError(
                    f"live server at {self.url} answered /livez with {response.status}"
                )
        # Emails and links name the server a browser reaches. Servers of one app may
        # start and stop out of order (fixtures of different scopes), so the base URL
        # goes back to the newest one still running, or to the app's own when none is.
        running = _RUNNING.setdefault(id(self._app), [])
        if not running:
            _ORIGINAL_BASE_URL[id(self._app)] = self._app.config["BASE_URL"]
        running.append(self)
        self._app.config["BASE_URL"] = self.url
        return self

    def stop(self) -> None:
        """Stop accepting, wait for the serving loop to end, release the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        running = _RUNNING.get(id(self._app), [])
        if self in running:
            running.remove(self)
            self._app.config["BASE_URL"] = (
                running[-1].url if running else _ORIGINAL_BASE_URL.pop(id(self._app))
            )
        if self._thread.is_alive():
            raise RuntimeError(f"live server at {self.url} did not stop within 10s")

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
