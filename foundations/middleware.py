"""WSGI middleware: five small wrappers that fit around any WSGI application.

Each class takes the application it wraps and is itself a WSGI application, so they
nest in any order::

    app = RequestIdMiddleware(LoggingMiddleware(ErrorMiddleware(app)))

The product runs two of them in production, so they keep PEP 3333 to the letter:

- ``start_response`` is wrapped, never replaced: the wrapper passes ``exc_info``
  through and returns the server's ``write`` callable;
- a middleware that wraps the response body calls the wrapped body's ``close()``
  exactly once, however iteration ended;
- nothing per request is stored on the instance, so one instance serves any number
  of threads.

Only the standard library is used, so the raw WSGI app can wear them too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import sys
import time
import uuid
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TypeAlias
from wsgiref.types import StartResponse
from wsgiref.types import WSGIApplication
from wsgiref.types import WSGIEnvironment

ExcInfo: TypeAlias = tuple[type[BaseException], BaseException, TracebackType]
OptExcInfo: TypeAlias = ExcInfo | tuple[None, None, None]
Write: TypeAlias = Callable[[bytes], object]
CredentialCheck: TypeAlias = Callable[[str, str], bool]

REQUEST_ID_KEY = "foundations.request_id"
"""Where RequestIdMiddleware puts the id in ``environ`` (PEP 3333 asks extensions for
a dotted lower-case key). Flask views read it as ``request.environ[REQUEST_ID_KEY]``."""

ERROR_PAGE = "<h1>500 Internal Server Error</h1><p>Something went wrong!</p>"
UNAUTHORIZED_PAGE = "<h1>401 Unauthorized</h1><p>This page needs a username and password.</p>"

_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class RequestIdMiddleware:
    """Gives every request an id, in ``environ[environ_key]`` and in a response header.

    An incoming id (``X-Request-ID`` by default) is kept when ``trust_incoming`` is on
    and it is sane: 1-128 characters of ``A-Z a-z 0-9 . _ -``. That lets one id follow
    a request through a proxy. Anything else is replaced by ``generate()`` (a uuid4 in
    hex). Turn ``trust_incoming`` off when clients reach the app without a proxy.
    """

    def __init__(
        self,
        app: WSGIApplication,
        *,
        header: str = "X-Request-ID",
        trust_incoming: bool = True,
        environ_key: str = REQUEST_ID_KEY,
        generate: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self.app = app
        self.header = header
        self.trust_incoming = trust_incoming
        self.environ_key = environ_key
        self.generate = generate
        # How a WSGI server spells the incoming header: X-Request-ID -> HTTP_X_REQUEST_ID.
        self._cgi_name = "HTTP_" + header.upper().replace("-", "_")

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        incoming = environ.get(self._cgi_name) if self.trust_incoming else None
        if isinstance(incoming, str) and _SANE_REQUEST_ID.fullmatch(incoming):
            request_id = incoming
        else:
            request_id = self.generate()
        environ[self.environ_key] = request_id
        header = self.header

        def start_response_with_id(
            status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
        ) -> Write:
            headers = [(name, value) for name, value in headers if name.lower() != header.lower()]
            headers.append((header, request_id))
            return start_response(status, headers, exc_info)

        return self.app(environ, start_response_with_id)


@dataclass(frozen=True, slots=True)
class AccessRecord:
    """One finished request, as LoggingMiddleware saw it."""

    started: float  # time.time() when the request arrived
    method: str
    path: str  # SCRIPT_NAME + PATH_INFO as text, control characters escaped
    status: str  # "200 OK"; a 500 if an exception escaped before any body was sent
    duration_ms: float  # from the call until the server closed the body
    bytes_sent: int
    request_id: str | None

    @property
    def status_code(self) -> int:
        return int(self.status.split(" ", 1)[0])


def format_access_line(record: AccessRecord) -> str:
    """The seed's access line: ``[2024-01-15 10:30:45] GET /hello/Alice 200 OK (3.2ms)``."""
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(record.started))
    return f"[{when}] {record.method} {record.path} {record.status} ({record.duration_ms:.1f}ms)"


class LoggingMiddleware:
    """Logs one line per request, once the whole response has been sent.

    The clock stops when the server calls the body's ``close()`` (PEP 3333 servers
    always do), so the duration includes iterating the body, not just the view. The
    message is ``format(record)``; the record also carries ``method``, ``path``,
    ``status`` (an int), ``duration_ms``, ``bytes_sent`` and ``request_id`` as
    attributes, for a JSON formatter, plus whatever ``fields(environ)`` returns (its
    names must not clash with LogRecord's own, such as ``name`` or ``msg``).
    ``path(environ)``, when given, writes the path instead, e.g. with a secret token
    taken out of it.
    Nothing is measured when the logger would drop the record anyway.
    """

    def __init__(
        self,
        app: WSGIApplication,
        *,
        logger: logging.Logger | None = None,
        level: int = logging.INFO,
        format: Callable[[AccessRecord], str] = format_access_line,
        fields: Callable[[WSGIEnvironment], Mapping[str, object]] | None = None,
        path: Callable[[WSGIEnvironment], str] | None = None,
        request_id_key: str = REQUEST_ID_KEY,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.app = app
        self.logger = logger or logging.getLogger("foundations.access")
        self.level = level
        self.format = format
        self.fields = fields
        self.path = path
        self.request_id_key = request_id_key
        self.clock = clock

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not self.logger.isEnabledFor(self.level):
            return self.app(environ, start_response)
        response = _LoggedResponse(self, environ, start_response)
        try:
            response.body = self.app(environ, response.start_response)
        except BaseException:
            response.failed = True
            response.close()
            raise
        return response

    def emit(self, environ: WSGIEnvironment, record: AccessRecord) -> None:
        """Log ``record``; called once per request, when the response is closed."""
        extra: dict[str, object] = {
            "method": record.method,
            "path": record.path,
            "status": record.status_code,
            "duration_ms": round(record.duration_ms, 3),
            "bytes_sent": record.bytes_sent,
            "request_id": record.request_id,
        }
        if self.fields is not None:
            extra.update(self.fields(environ))
        self.logger.log(self.level, self.format(record), extra=extra)


class _LoggedResponse:
    """One request's state for LoggingMiddleware; also the body the server iterates."""

    def __init__(
        self, middleware: LoggingMiddleware, environ: WSGIEnvironment, start_response: StartResponse
    ) -> None:
        self.middleware = middleware
        self.environ = environ
        self.server_start_response = start_response
        self.started = time.time()
        self.clock_start = middleware.clock()
        self.body: Iterable[bytes] = ()
        self.status: str | None = None
        self.bytes_sent = 0
        self.failed = False
        self.closed = False

    def start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
    ) -> Write:
        server_write = self.server_start_response(status, headers, exc_info)
        # Only now: if the server refused (headers already sent), the old status stands.
        self.status = status

        def write(data: bytes) -> object:
            self.bytes_sent += len(data)
            return server_write(data)

        return write

    def __iter__(self) -> Iterator[bytes]:
        try:
            for chunk in self.body:
                self.bytes_sent += len(chunk)
                yield chunk
        except Exception:
            self.failed = True
            raise

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.middleware.emit(self.environ, self._record())

    def _record(self) -> AccessRecord:
        status = self.status
        # An exception that escaped before any byte went out becomes the server's (or
        # an outer ErrorMiddleware's) 500; after that, the client got the old status.
        if status is None or (self.failed and self.bytes_sent == 0):
            status = "500 Internal Server Error"
        request_id = self.environ.get(self.middleware.request_id_key)
        if self.middleware.path is not None:
            path = self.middleware.path(self.environ)
        else:
            path = _text(self.environ.get("SCRIPT_NAME", "") + self.environ.get("PATH_INFO", ""))
        return AccessRecord(
            started=self.started,
            method=_printable(self.environ.get("REQUEST_METHOD", "")),
            path=_printable(path),
            status=status,
            duration_ms=(self.middleware.clock() - self.clock_start) * 1000,
            bytes_sent=self.bytes_sent,
            request_id=request_id if isinstance(request_id, str) else None,
        )


class TimingMiddleware:
    """Adds ``Server-Timing: app;dur=1.234`` and ``X-Response-Time: 1.234ms`` headers.

    Headers leave before the body, so the time they carry stops when the app calls
    ``start_response``: routing and the view, not producing the body. For a list of
    bytes that is everything; for a generator it can miss most of the work.
    LoggingMiddleware's duration is the complete one.
    """

    def __init__(
        self,
        app: WSGIApplication,
        *,
        metric: str = "app",
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.app = app
        self.metric = metric
        self.clock = clock

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = self.clock()

        def start_response_with_timing(
            status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
        ) -> Write:
            elapsed_ms = (self.clock() - started) * 1000
            headers = [
                (name, value) for name, value in headers if name.lower() != "x-response-time"
            ]
            headers.append(("Server-Timing", f"{self.metric};dur={elapsed_ms:.3f}"))
            headers.append(("X-Response-Time", f"{elapsed_ms:.3f}ms"))
            return start_response(status, headers, exc_info)

        return self.app(environ, start_response_with_timing)


def static_credentials(username: str, password: str) -> CredentialCheck:
    """A credential check against one username and password, in constant time.

    Both sides are hashed first, so the comparison takes as long whatever the lengths,
    and both comparisons always run, so a wrong username fails as slowly as a wrong
    password. Nothing about the secret leaks through timing.
    """
    expected_username = _digest(username)
    expected_password = _digest(password)

    def check(given_username: str, given_password: str) -> bool:
        username_ok = hmac.compare_digest(_digest(given_username), expected_username)
        password_ok = hmac.compare_digest(_digest(given_password), expected_password)
        return username_ok & password_ok

    return check


class AuthMiddleware:
    """HTTP Basic auth in front of the paths under ``prefixes``; others pass through.

    A prefix covers itself and what lies below it: ``/secret`` guards ``/secret`` and
    ``/secret/x`` but not ``/secretary``. Without valid credentials the app is not
    called: the answer is ``401 Unauthorized`` with a ``WWW-Authenticate`` challenge.
    With them, the username goes where servers put it, ``environ["REMOTE_USER"]``, as
    a WSGI native string (its UTF-8 bytes decoded as Latin-1, like every CGI variable).
    """

    def __init__(
        self,
        app: WSGIApplication,
        *,
        check: CredentialCheck,
        prefixes: Sequence[str] = ("/secret",),
        realm: str = "foundations",
    ) -> None:
        self.app = app
        self.check = check
        self.prefixes = tuple(prefix.rstrip("/") for prefix in prefixes)
        self.challenge = f'Basic realm="{realm}", charset="UTF-8"'

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not self.protects(environ.get("PATH_INFO", "")):
            return self.app(environ, start_response)
        credentials = _basic_credentials(environ.get("HTTP_AUTHORIZATION", ""))
        if credentials is None or not self.check(*credentials):
            headers = [("WWW-Authenticate", self.challenge)]
            return _html_page(
                environ, start_response, "401 Unauthorized", UNAUTHORIZED_PAGE, headers
            )
        environ["REMOTE_USER"] = credentials[0].encode("utf-8").decode("latin-1")
        return self.app(environ, start_response)

    def protects(self, path: str) -> bool:
        return any(path == prefix or path.startswith(prefix + "/") for prefix in self.prefixes)


class ErrorMiddleware:
    """Turns any exception from the app, on call or while iterating, into a 500 page.

    The traceback goes to ``logger``, never to the client. When the exception comes
    after the app called ``start_response``, the 500 is started with ``exc_info``, as
    PEP 3333 requires: a server that has not sent headers yet replaces the status, and
    one that has re-raises the original error, which is let through so the server can
    abort the connection instead of sending a second status line.
    """

    def __init__(self, app: WSGIApplication, *, logger: logging.Logger | None = None) -> None:
        self.app = app
        self.logger = logger or logging.getLogger("foundations.error")

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            body = self.app(environ, start_response)
        except Exception:
            return self.fail(environ, start_response)
        return _GuardedBody(self, environ, start_response, body)

    def fail(self, environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        """Log the exception being handled and answer with the 500 page instead.

        Call it from an ``except`` block: it reads the exception from ``sys.exc_info()``.
        """
        exc_info = sys.exc_info()
        try:
            self.logger.error(
                "Unhandled exception on %s %s",
                _printable(environ.get("REQUEST_METHOD", "")),
                _printable(_text(environ.get("PATH_INFO", ""))),
                exc_info=exc_info,
                extra={"request_id": environ.get(REQUEST_ID_KEY)},
            )
            return _html_page(
                environ, start_response, "500 Internal Server Error", ERROR_PAGE, [], exc_info
            )
        finally:
            del exc_info  # a traceback held in a local keeps this frame alive: break the cycle


class _GuardedBody:
    """The app's body, with exceptions raised while iterating turned into the 500 page."""

    def __init__(
        self,
        middleware: ErrorMiddleware,
        environ: WSGIEnvironment,
        start_response: StartResponse,
        body: Iterable[bytes],
    ) -> None:
        self.middleware = middleware
        self.environ = environ
        self.start_response = start_response
        self.body = body
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        try:
            # A plain loop, not ``yield from``, which would forward close() to the body's
            # iterator when this generator is collected: closing stays our job, once.
            for chunk in self.body:  # noqa: UP028
                yield chunk
        except Exception:
            # Release the broken body now; the server will only close this wrapper.
            self.close()
            yield from self.middleware.fail(self.environ, self.start_response)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            close = getattr(self.body, "close", None)
            if close is not None:
                close()


def default_chain(
    app: WSGIApplication,
    *,
    check: CredentialCheck,
    protected: Sequence[str] = ("/secret",),
    access_logger: logging.Logger | None = None,
    error_logger: logging.Logger | None = None,
) -> WSGIApplication:
    """All five around ``app``, in the order we recommend, outermost first.

    RequestId is outermost so every response and log line carries the id. Logging sits
    outside Error, so it logs the 500 the client got. Timing sits outside Error and
    Auth, so their 500 and 401 pages are timed too. Auth is innermost: the app alone
    is behind it.
    """
    app = AuthMiddleware(app, check=check, prefixes=protected)
    app = ErrorMiddleware(app, logger=error_logger)
    app = TimingMiddleware(app)
    app = LoggingMiddleware(app, logger=access_logger)
    return RequestIdMiddleware(app)


def _html_page(
    environ: WSGIEnvironment,
    start_response: StartResponse,
    status: str,
    html: str,
    headers: list[tuple[str, str]],
    exc_info: OptExcInfo | None = None,
) -> list[bytes]:
    """Start a small HTML response and return its body (none for HEAD)."""
    body = html.encode("utf-8")
    start_response(
        status,
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),
            *headers,
        ],
        exc_info,
    )
    return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


def _basic_credentials(header: str) -> tuple[str, str] | None:
    """``(username, password)`` from an ``Authorization: Basic ...`` value, or None."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except ValueError:  # bad base64, non-ASCII characters, or not UTF-8
        return None
    username, colon, password = decoded.partition(":")
    return (username, password) if colon else None


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8")).digest()


def _text(native: str) -> str:
    """Undo PEP 3333's transport encoding: environ strings hold bytes as Latin-1."""
    return native.encode("latin-1", "replace").decode("utf-8", "replace")


def _printable(text: str) -> str:
    """Escape control characters, so a path with ``%0A`` cannot forge a log line."""
    return _CONTROL_CHARACTERS.sub(lambda match: f"\\x{ord(match.group()):02x}", text)
