"""The site with Werkzeug only: the request, response and routing objects Flask uses.

Compared with ``raw_wsgi``: ``Request`` parses the environ (decoding, query string,
form body with a size limit), ``Map``/``Rule`` route and answer 404/405 with the
right ``Allow`` header, ``HTTPException`` is a ready-made error response, and
``Response`` is itself a WSGI application that calls ``start_response`` for us.

Run it: ``python -m foundations.werkzeug_app [--port N] [--with-middleware]``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from collections.abc import Iterable
from html import escape
from wsgiref.types import StartResponse
from wsgiref.types import WSGIEnvironment

from werkzeug.exceptions import BadRequest
from werkzeug.exceptions import Forbidden
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import UnsupportedMediaType
from werkzeug.routing import Map
from werkzeug.routing import Rule
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

from foundations import serve

MAX_BODY_BYTES = 64 * 1024
FORM = "application/x-www-form-urlencoded"

View = Callable[..., Response]


class SiteRequest(Request):
    # Reading the form of a longer body raises RequestEntityTooLarge, a 413.
    max_content_length = MAX_BODY_BYTES


class Site:
    """The WSGI application: one ``Map`` of rules, one method per endpoint."""

    def __init__(self) -> None:
        # GET rules answer HEAD too; a wrong method is a 405 with an Allow header.
        self.url_map = Map(
            [
                Rule("/", endpoint="index", methods=["GET"]),
                Rule("/hello/<name>", endpoint="hello", methods=["GET"]),
                Rule("/greet", endpoint="greet", methods=["GET"]),
                Rule("/submit", endpoint="submit", methods=["POST"]),
                Rule("/error", endpoint="error", methods=["GET"]),
                Rule("/secret", endpoint="secret", methods=["GET"]),
            ]
        )
        self.views: dict[str, View] = {
            "index": self.index,
            "hello": self.hello,
            "greet": self.greet,
            "submit": self.submit,
            "error": self.error,
            "secret": self.secret,
        }

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = SiteRequest(environ)
        adapter = self.url_map.bind_to_environ(environ)
        response: Response | HTTPException
        try:
            endpoint, arguments = adapter.match()
            response = self.views[endpoint](request, **arguments)
        except HTTPException as http_error:
            # NotFound, MethodNotAllowed, BadRequest...: each is a WSGI response too.
            response = http_error
        return response(environ, start_response)

    def index(self, request: Request) -> Response:
        return page("Welcome", "<h1>Welcome to the Werkzeug app!</h1>" + LINKS)

    def hello(self, request: Request, name: str) -> Response:
        return page("Hello", f"<h1>Hello, {escape(name)}!</h1>")

    def greet(self, request: Request) -> Response:
        name = request.args.get("name")
        if not name:
            raise BadRequest("Missing the name parameter: try /greet?name=Bob.")
        return page("Hello", f"<h1>Hello, {escape(name)}!</h1>")

    def submit(self, request: Request) -> Response:
        if request.mimetype != FORM:
            raise UnsupportedMediaType(f"Send the form as {FORM}.")
        message = request.form.get("message")
        if not message:
            raise BadRequest("Missing the message field: send message=...")
        return page("Submitted", f"<h1>You submitted: {escape(message)}</h1>")

    def error(self, request: Request) -> Response:
        raise RuntimeError("GET /error fails on purpose, to show what ErrorMiddleware does.")

    def secret(self, request: Request) -> Response:
        # REMOTE_USER is set by whoever checked the password: here AuthMiddleware.
        if not request.remote_user:
            raise Forbidden("The secret needs AuthMiddleware: use --with-middleware.")
        user = request.remote_user.encode("latin-1").decode("utf-8", "replace")
        return page("Secret", f"<h1>The secret</h1><p>Signed in as {escape(user)}.</p>")


def create_app() -> Site:
    return Site()


def page(title: str, content: str) -> Response:
    body = f"<!doctype html>\n<html lang=en>\n<title>{title}</title>\n{content}\n"
    return Response(body, content_type="text/html; charset=utf-8")


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


if __name__ == "__main__":
    serve.main(create_app(), sys.argv[1:], prog="python -m foundations.werkzeug_app")
