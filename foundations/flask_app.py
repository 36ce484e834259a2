"""The site with Flask: routes, Jinja templates and a static stylesheet.

Everything ``werkzeug_app`` spelled out is now implicit: ``@app.get`` adds a ``Rule``
to ``app.url_map``, ``request`` is the current ``Request`` (a context-local proxy,
see ``contexts.py``), ``abort`` raises the ``HTTPException``, ``render_template``
escapes what it inserts, and ``MAX_CONTENT_LENGTH`` is Werkzeug's body limit.

Run it: ``python -m foundations.flask_app [--port N] [--with-middleware]``.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

from flask import Flask
from flask import abort
from flask import render_template
from flask import request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from foundations import serve

MAX_BODY_BYTES = 64 * 1024
FORM = "application/x-www-form-urlencoded"


def create_app(test_config: Mapping[str, object] | None = None) -> Flask:
    """Build the app; ``test_config`` overrides the defaults below."""
    app = Flask(__name__)
    app.config.from_mapping(
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        # Let an unhandled exception leave the app, as it does from the other two, so
        # ErrorMiddleware (or the server) answers it. Teardown functions still run.
        PROPAGATE_EXCEPTIONS=True,
    )
    if test_config is not None:
        app.config.from_mapping(test_config)

    @app.get("/")
    def index() -> str:
        return render_template("index.html")

    @app.get("/hello/<name>")
    def hello(name: str) -> str:
        return render_template("hello.html", name=name)

    @app.get("/greet")
    def greet() -> str:
        name = request.args.get("name")
        if not name:
            abort(400, "Missing the name parameter: try /greet?name=Bob.")
        return render_template("hello.html", name=name)

    @app.post("/submit")
    def submit() -> str:
        if request.mimetype != FORM:
            abort(415, f"Send the form as {FORM}.")
        message = request.form.get("message")  # a body over MAX_CONTENT_LENGTH: 413 here
        if not message:
            abort(400, "Missing the message field: send message=...")
        return render_template("submitted.html", message=message)

    @app.get("/error")
    def error() -> str:
        raise RuntimeError("GET /error fails on purpose, to show what ErrorMiddleware does.")

    @app.get("/secret")
    def secret() -> str:
        # REMOTE_USER is set by whoever checked the password: here AuthMiddleware.
        if not request.remote_user:
            abort(403, "The secret needs AuthMiddleware: use --with-middleware.")
        user = request.remote_user.encode("latin-1").decode("utf-8", "replace")
        return render_template("secret.html", user=user)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        # The exception's own response keeps its status and headers (Allow on a 405);
        # only the page is ours.
        response = error.get_response()
        response.set_data(render_template("error.html", error=error))
        return response

    return app


if __name__ == "__main__":
    serve.main(create_app(), sys.argv[1:], prog="python -m foundations.flask_app")
