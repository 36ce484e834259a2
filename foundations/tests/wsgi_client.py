"""A tiny WSGI server for tests: build an environ, call the app, collect the answer.

It plays the server's part of PEP 3333 the way a real one must: ``CONTENT_LENGTH``
and ``CONTENT_TYPE`` are not ``HTTP_`` headers, the path arrives percent-decoded as
Latin-1, headers count as sent with the first non-empty chunk (after which
``start_response(..., exc_info)`` re-raises), and the body's ``close()`` is always
called. By default the app is wrapped in ``wsgiref.validate.validator``.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from urllib.parse import unquote_to_bytes
from wsgiref.types import WSGIApplication
from wsgiref.types import WSGIEnvironment
from wsgiref.validate import validator

from foundations.middleware import OptExcInfo
from foundations.middleware import Write

_AUTO = "auto"


@dataclass
class Result:
    status: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    start_response_calls: int = 0

    @property
    def code(self) -> int:
        return int(self.status.split(" ", 1)[0])

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def header(self, name: str) -> str | None:
        values = self.header_values(name)
        return values[-1] if values else None

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]


def make_environ(
    method: str = "GET",
    url: str = "/",
    *,
    body: bytes = b"",
    content_type: str | None = None,
    content_length: str | None = _AUTO,
    headers: Mapping[str, str] | None = None,
) -> WSGIEnvironment:
    """An environ as a server builds it for ``method url`` with these headers and body.

    ``content_length`` defaults to ``len(body)`` when there is a body; pass ``None``
    to leave it out, or any string to send that exact value.
    """
    path, _, query = url.partition("?")
    environ: WSGIEnvironment = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "localhost",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if content_length == _AUTO:
        content_length = str(len(body)) if body else None
    if content_length is not None:
        environ["CONTENT_LENGTH"] = content_length
    if content_type is not None:
        environ["CONTENT_TYPE"] = content_type
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def call(
    app: WSGIApplication,
    method: str = "GET",
    url: str = "/",
    *,
    body: bytes = b"",
    content_type: str | None = None,
    content_length: str | None = _AUTO,
    headers: Mapping[str, str] | None = None,
    validate: bool = True,
    result: Result | None = None,
) -> Result:
    """Send one request to ``app`` in-process and return what came back.

    An exception from the app propagates, after the body was closed; pass ``result``
    to look at the status, headers and partial body received before it.
    """
    environ = make_environ(
        method,
        url,
        body=body,
        content_type=content_type,
        content_length=content_length,
        headers=headers,
    )
    return run(app, environ, validate=validate, result=result)


def run(
    app: WSGIApplication,
    environ: WSGIEnvironment,
    *,
    validate: bool = True,
    result: Result | None = None,
) -> Result:
    """Call ``app`` with a ready-made ``environ``, as a PEP 3333 server would."""
    result = result if result is not None else Result()
    headers_sent = False
    chunks: list[bytes] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
    ) -> Write:
        if exc_info is not None and exc_info[1] is not None:
            if headers_sent:
                raise exc_info[1].with_traceback(exc_info[2])
        elif result.start_response_calls:
            raise AssertionError("start_response called twice without exc_info")
        result.status, result.headers = status, list(headers)
        result.start_response_calls += 1
        return write

    def write(data: bytes) -> None:
        nonlocal headers_sent
        headers_sent = headers_sent or bool(data)
        chunks.append(data)
        result.body = b"".join(chunks)

    body = (validator(app) if validate else app)(environ, start_response)
    try:
        for chunk in body:
            write(chunk)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
    return result
