"""The site with the standard library only: a WSGI application is one function.

Everything Werkzeug and Flask do for you happens here by hand: route on
``PATH_INFO``, parse ``QUERY_STRING``, read exactly ``CONTENT_LENGTH`` bytes of
``wsgi.input``, escape whatever goes into HTML, call ``start_response`` once and
return an iterable of bytes (PEP 3333).

Run it: ``python -m foundations.raw_wsgi [--port N] [--with-middleware]``.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Callable
from collections.abc import Iterable
from urllib.parse import parse_qs
from wsgiref.types import StartResponse
from wsgiref.types import WSGIApplication
from wsgiref.types import WSGIEnvironment

from foundations import serve

MAX_BODY_BYTES = 64 * 1024
FORM = "application/x-www-form-urlencoded"
GET = frozenset({"GET", "HEAD"})
POST = frozenset({"POST"})

View = Callable[..., str]


class HTTPError(Exception):
    """Raised by a view to answer with an error page instead (like Werkzeug's aborts)."""

    def __init__(self, status: str, message: str, headers: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = list(headers)


def create_app() -> WSGIApplication:
    """The app is the ``application`` function; this matches the other two modules."""
    return application


def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Route the request, run its view and send the page it returns."""
    method = environ["REQUEST_METHOD"]
    try:
        view, allowed, arguments = route(text(environ.get("PATH_INFO") or "/"))
        if method not in allowed:
            allow = ", ".join(sorted(allowed))
            raise HTTPError("405 Method Not Allowed", f"Use {allow} here.", [("Allow", allow)])
        status, page, headers = "200 OK", view(environ, **arguments), []
    except HTTPError as error:
        title = html.escape(error.status)
        page = layout(title, f"<h1>{title}</h1><p>{html.escape(error.message)}</p>")
        status, headers = error.status, error.headers
    body = page.encode("utf-8")
    start_response(
        status,
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),
            *headers,
        ],
    )
    # A HEAD response has the headers of the GET and no body.
    return [] if method == "HEAD" else [body]


def route(path: str) -> tuple[View, frozenset[str], dict[str, str]]:
    """The view, its allowed methods and its URL arguments; 404 when nothing matches."""
    for pattern, allowed, view in ROUTES:
        match = pattern.fullmatch(path)
        if match:
            return view, allowed, match.groupdict()
    raise HTTPError("404 Not Found", "Nothing lives at this address.")


def index(environ: WSGIEnvironment) -> str:
    return layout("Welcome", "<h1>Welcome to the raw WSGI app!</h1>" + LINKS)


def hello(environ: WSGIEnvironment, name: str) -> str:
    return layout("Hello", f"<h1>Hello, {html.escape(name)}!</h1>")


def greet(environ: WSGIEnvironment) -> str:
    name = first(parse_qs(text(environ.get("QUERY_STRING", ""))), "name")
    if not name:
        raise HTTPError("400 Bad Request", "Missing the name parameter: try /greet?name=Bob.")
    return layout("Hello", f"<h1>Hello, {html.escape(name)}!</h1>")


def submit(environ: WSGIEnvironment) -> str:
    content_type = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
    if content_type != FORM:
        raise HTTPError("415 Unsupported Media Type", f"Send the form as {FORM}.")
    form = parse_qs(read_body(environ).decode("utf-8", "replace"))
    message = first(form, "message")
    if not message:
        raise HTTPError("400 Bad Request", "Missing the message field: send message=...")
    return layout("Submitted", f"<h1>You submitted: {html.escape(message)}</h1>")


def error(environ: WSGIEnvironment) -> str:
    raise RuntimeError("GET /error fails on purpose, to show what ErrorMiddleware does.")


def secret(environ: WSGIEnvironment) -> str:
    # REMOTE_USER is set by whoever checked the password: here AuthMiddleware.
    user = environ.get("REMOTE_USER")
    if not user:
        raise HTTPError("403 Forbidden", "The secret needs AuthMiddleware: use --with-middleware.")
    return layout("Secret", f"<h1>The secret</h1><p>Signed in as {html.escape(text(user))}.</p>")


ROUTES: list[tuple[re.Pattern[str], frozenset[str], View]] = [
    (re.compile(r"/"), GET, index),
    (re.compile(r"/hello/(?P<name>[^/]+)"), GET, hello),
    (re.compile(r"/greet"), GET, greet),
    (re.compile(r"/submit"), POST, submit),
    (re.compile(r"/error"), GET, error),
    (re.compile(r"/secret"), GET, secret),
]

LINKS = """
<ul>
  <li><a href="/hello/Alice">/hello/Alice</a></li>
  <li><a href="/greet?name=Bob">/greet?name=Bob</a></li>
  <li><a href="/secret">/secret</a> (with --with-middleware)</li>
  <li><a href="/error">/error</a></li>
</ul>
<form method="post" action="/submit">
  <input name="message" placeholder="A message"> <button>Submit</button>
</form>
"""


def read_body(environ: WSGIEnvironment) -> bytes:
    """Exactly ``CONTENT_LENGTH`` bytes of the body, the most PEP 3333 allows us to read.

    No ``CONTENT_LENGTH`` means no body. A value that is not a plain number is a 400,
    one over ``MAX_BODY_BYTES`` a 413, and the body is then left unread.
    """
    declared = environ.get("CONTENT_LENGTH", "")
    if not declared:
        return b""
    if not (declared.isascii() and declared.isdigit()):
        raise HTTPError("400 Bad Request", "Content-Length must be a number of bytes.")
    if int(declared) > MAX_BODY_BYTES:
        raise HTTPError("413 Request Entity Too Large", f"Send at most {MAX_BODY_BYTES} bytes.")
    body: bytes = environ["wsgi.input"].read(int(declared))
    return body


def first(values: dict[str, list[str]], key: str) -> str:
    """The first value of ``key`` in a parsed query or form, or ``""``."""
    return values.get(key, [""])[0]


def text(native: str) -> str:
    """Decode a WSGI native string: PEP 3333 hands over the bytes as Latin-1."""
    return native.encode("latin-1", "replace").decode("utf-8", "replace")


def layout(title: str, content: str) -> str:
    return f"<!doctype html>\n<html lang=en>\n<title>{title}</title>\n{content}\n"


if __name__ == "__main__":
    serve.main(create_app(), sys.argv[1:], prog="python -m foundations.raw_wsgi")
