"""Flask's contexts: what ``request``, ``g`` and ``current_app`` really are.

``request``, ``session``, ``current_app`` and ``g`` are proxies. Every attribute
access on one looks up the object bound to a ``ContextVar`` in ``flask/globals.py``
(``_cv_request``, ``_cv_app``) and forwards to it; with nothing bound it raises
``RuntimeError: Working outside of request context``. During a request
``Flask.wsgi_app`` binds them (``RequestContext.push`` pushes an ``AppContext``
first). Everywhere else, in tests, CLI commands and background jobs, you bind them
yourself: ``with app.app_context():`` or ``with app.test_request_context(...):``.

``g`` belongs to the app context: it lives exactly as long as one app context (one
request, one command, one job run), and ``teardown_appcontext`` functions run when
that ends, even when the view raised. That makes ``g`` the place for per-request
resources such as the database connection below.

Why context variables where the seed draws a stack per thread: that picture is
Werkzeug 1.x, whose ``LocalStack`` was keyed by the thread (or greenlet) id. A thread
id cannot tell apart two asyncio tasks running on one thread, so two requests served
as tasks on one event loop would share a single slot. A ``ContextVar`` has one value
per *context*: each thread starts with its own, and each asyncio task runs in a copy
taken when it was created. Werkzeug 2.0 rebuilt its locals on ``ContextVar``
(pallets/werkzeug#1778), Flask 2.2 keeps each context in a plain ``ContextVar``
(pallets/flask#4682), and the old ``_request_ctx_stack`` is gone since Flask 3.0. The
stack survives as tokens: ``push`` is ``token = var.set(ctx)`` and ``pop`` is
``var.reset(token)``, which brings back whatever was bound before, so nested contexts
still unwind in order.

``LocalProxy`` below rebuilds the proxy from scratch; ``FlaskJob`` is the pattern
Celery's ``FlaskTask`` uses to run jobs inside an app context.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from dataclasses import field
from types import SimpleNamespace
from typing import Any
from typing import Generic
from typing import ParamSpec
from typing import TypeVar
from wsgiref.types import WSGIEnvironment

from flask import Flask
from flask import current_app
from flask import g
from werkzeug.wrappers import Request

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")


def create_app(database: str | os.PathLike[str]) -> Flask:
    """A small app whose requests use a SQLite database through ``g``."""
    app = Flask(__name__)
    app.config["DATABASE"] = os.fspath(database)
    app.teardown_appcontext(close_db)

    @app.post("/visits/<name>")
    def visit(name: str) -> dict[str, int]:
        return {"visits": record_visit(name)}

    return app


def get_db() -> sqlite3.Connection:
    """This app context's connection, opened on first use and closed at teardown."""
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        # A demo shortcut: the schema is made on connect; the product has migrations.
        g.db.execute("CREATE TABLE IF NOT EXISTS visit (name TEXT NOT NULL)")
    db: sqlite3.Connection = g.db
    return db


def close_db(exception: BaseException | None) -> None:
    """A ``teardown_appcontext`` function: runs when the app context ends, error or not."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


def record_visit(name: str) -> int:
    """Store one visit and return how many ``name`` has: needs an app context."""
    db = get_db()
    with db:  # one transaction: commit, or roll back on error
        db.execute("INSERT INTO visit (name) VALUES (?)", (name,))
        # Counted inside the transaction, which holds SQLite's write lock since the
        # INSERT: no other visit can commit between the two, so concurrent visitors
        # each get their own number. Counted after the commit, two could read the same.
        (count,) = db.execute("SELECT count(*) FROM visit WHERE name = ?", (name,)).fetchone()
    return int(count)


class FlaskJob(Generic[P, R]):
    """A function run as a background job: inside an app context, outside any request.

    A Celery worker has no request, so ``current_app``, ``g`` and ``get_db()`` would
    raise. The ``FlaskTask`` of the Flask docs (and of the product) wraps each run the
    same way: push an app context, run, pop it, which closes the job's connection.
    """

    def __init__(self, app: Flask, run: Callable[P, R]) -> None:
        self.app = app
        self.run = run

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        with self.app.app_context():
            return self.run(*args, **kwargs)


class LocalProxy(Generic[T]):
    """Stands for the object bound to ``var`` in the current context, or its ``name``.

    The idea of ``werkzeug.local.LocalProxy`` without its operator overloads: getting,
    setting and deleting attributes go to whatever ``var`` holds at that moment, so
    one module-level object can mean a different request in every thread and task.
    Unbound, it raises ``RuntimeError(unbound_message)`` as Flask's proxies do.
    """

    __slots__ = ("_name", "_unbound_message", "_var")

    def __init__(
        self, var: ContextVar[T], name: str | None = None, *, unbound_message: str
    ) -> None:
        # Our own __setattr__ forwards to the bound object, so set these directly.
        object.__setattr__(self, "_var", var)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_unbound_message", unbound_message)

    def _get_current_object(self) -> Any:
        try:
            bound = self._var.get()
        except LookupError:
            raise RuntimeError(self._unbound_message) from None
        return bound if self._name is None else getattr(bound, self._name)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._get_current_object(), name)

    def __setattr__(self, name: str, value: object) -> None:
        setattr(self._get_current_object(), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._get_current_object(), name)

    def __repr__(self) -> str:
        try:
            return f"<LocalProxy for {self._get_current_object()!r}>"
        except RuntimeError:
            return f"<LocalProxy unbound: {self._var.name}>"


@dataclass
class MiniContext:
    """What our own proxies stand for: one request and its ``g``."""

    request: Request
    g: SimpleNamespace = field(default_factory=SimpleNamespace)


_cv_mini: ContextVar[MiniContext] = ContextVar("foundations.mini_request_context")
mini_request: Request = LocalProxy(  # type: ignore[assignment]
    _cv_mini, "request", unbound_message="Working outside of request context."
)
mini_g: SimpleNamespace = LocalProxy(  # type: ignore[assignment]
    _cv_mini, "g", unbound_message="Working outside of request context."
)


@contextmanager
def mini_request_context(environ: WSGIEnvironment) -> Iterator[MiniContext]:
    """Bind a request for the ``with`` block, as ``RequestContext.push``/``pop`` do."""
    context = MiniContext(Request(environ))
    token = _cv_mini.set(context)
    try:
        yield context
    finally:
        _cv_mini.reset(token)
