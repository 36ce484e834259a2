"""Flask's contexts, and our from-scratch proxy, shown with assertions."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import flask
import pytest
from flask import Flask
from flask import current_app
from flask import g
from flask import has_app_context
from flask import has_request_context
from flask import request
from werkzeug.test import EnvironBuilder

from foundations import contexts
from foundations.contexts import FlaskJob
from foundations.contexts import mini_g
from foundations.contexts import mini_request
from foundations.contexts import mini_request_context

WORKERS = 8


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return contexts.create_app(tmp_path / "visits.sqlite3")


def test_request_outside_a_request_raises() -> None:
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        request.method  # noqa: B018 - the access itself is what raises


def test_current_app_and_g_outside_an_app_context_raise() -> None:
    with pytest.raises(RuntimeError, match="Working outside of application context"):
        current_app.name  # noqa: B018
    with pytest.raises(RuntimeError, match="Working outside of application context"):
        g.user = "alice"


def test_test_request_context_binds_request_and_app(app: Flask) -> None:
    with app.test_request_context("/hello", method="POST"):
        assert (request.method, request.path) == ("POST", "/hello")
        assert current_app._get_current_object() is app  # type: ignore[attr-defined]
    assert not has_request_context()


def test_a_pushed_context_stays_until_popped(app: Flask) -> None:
    context = app.test_request_context("/pushed")
    context.push()
    try:
        assert request.path == "/pushed"
    finally:
        context.pop()
    assert not has_request_context()
    assert not has_app_context()


def test_an_app_context_alone_has_current_app_and_g_but_no_request(app: Flask) -> None:
    with app.app_context():
        assert current_app.config["DATABASE"] == app.config["DATABASE"]
        g.user = "alice"
        assert g.user == "alice"
        with pytest.raises(RuntimeError, match="request context"):
            request.path  # noqa: B018


def test_g_lives_for_one_app_context(app: Flask) -> None:
    with app.app_context():
        g.user = "alice"
    with app.app_context():
        assert "user" not in g


def test_each_request_gets_a_fresh_g(app: Flask) -> None:
    @app.before_request
    def count() -> None:
        g.hits = g.get("hits", 0) + 1

    @app.get("/hits")
    def hits() -> str:
        return str(g.hits)

    client = app.test_client()
    assert [client.get("/hits").text for _ in range(3)] == ["1", "1", "1"]


@pytest.mark.parametrize("testing", [True, False], ids=["propagating", "handled"])
def test_teardown_appcontext_runs_when_the_view_raised(app: Flask, testing: bool) -> None:
    app.config["TESTING"] = testing  # TESTING re-raises the error; otherwise it is a 500
    opened: list[sqlite3.Connection] = []
    torn_down: list[BaseException | None] = []
    app.teardown_appcontext(torn_down.append)

    @app.get("/boom")
    def boom() -> str:
        opened.append(contexts.get_db())
        raise ZeroDivisionError("the view failed")

    client = app.test_client()
    if testing:
        with pytest.raises(ZeroDivisionError):
            client.get("/boom")
    else:
        assert client.get("/boom").status_code == 500
    assert isinstance(torn_down[0], ZeroDivisionError)
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        opened[0].execute("SELECT 1")


def test_concurrent_requests_each_see_their_own_request_and_g(app: Flask) -> None:
    barrier = threading.Barrier(WORKERS)

    @app.get("/who/<int:number>")
    def who(number: int) -> str:
        g.number = number
        barrier.wait(timeout=10)  # all requests are inside a view at the same time
        return f"{request.path} {g.number}"

    answers: dict[int, str] = {}

    def worker(number: int) -> None:
        answers[number] = app.test_client().get(f"/who/{number}").text

    run_threads(worker)
    assert answers == {n: f"/who/{n} {n}" for n in range(WORKERS)}


@dataclass
class Proxies:
    """A way to bind a request for a ``with`` block, and the proxies that see it."""

    bind: Callable[[str], AbstractContextManager[object]]
    request: Any
    g: Any


@pytest.fixture(params=["flask", "from_scratch"])
def proxies(request: pytest.FixtureRequest, app: Flask) -> Proxies:
    """Flask's own proxies, or the ~40-line ``LocalProxy`` in contexts.py."""
    if request.param == "flask":
        return Proxies(lambda path: app.test_request_context(path), flask.request, flask.g)
    return Proxies(
        lambda path: mini_request_context(EnvironBuilder(path=path).get_environ()),
        mini_request,
        mini_g,
    )


def test_threads_each_see_their_own_request_and_g(proxies: Proxies) -> None:
    barrier = threading.Barrier(WORKERS)
    seen: dict[int, tuple[str, int]] = {}

    def worker(number: int) -> None:
        with proxies.bind(f"/who/{number}"):
            proxies.g.number = number
            barrier.wait(timeout=10)  # every thread has bound its request by now
            seen[number] = (proxies.request.path, proxies.g.number)

    run_threads(worker)
    assert seen == {n: (f"/who/{n}", n) for n in range(WORKERS)}


def test_asyncio_tasks_each_see_their_own_request_and_g(proxies: Proxies) -> None:
    async def handle(number: int, barrier: asyncio.Barrier) -> tuple[str, int]:
        with proxies.bind(f"/who/{number}"):
            proxies.g.number = number
            await barrier.wait()  # every task on this one thread has bound its request
            return proxies.request.path, proxies.g.number

    async def serve_all() -> list[tuple[str, int]]:
        barrier = asyncio.Barrier(WORKERS)
        return await asyncio.gather(*(handle(n, barrier) for n in range(WORKERS)))

    assert asyncio.run(serve_all()) == [(f"/who/{n}", n) for n in range(WORKERS)]


def test_a_thread_local_would_mix_up_asyncio_tasks() -> None:
    # Why Flask left thread-locals: all tasks share the one thread, so the last
    # write wins for everybody.
    local = threading.local()

    async def handle(number: int, barrier: asyncio.Barrier) -> int:
        local.number = number
        await barrier.wait()
        return int(local.number)

    async def serve_all() -> list[int]:
        barrier = asyncio.Barrier(WORKERS)
        return await asyncio.gather(*(handle(n, barrier) for n in range(WORKERS)))

    assert len(set(asyncio.run(serve_all()))) == 1


def test_nested_contexts_unwind_in_order(proxies: Proxies) -> None:
    with proxies.bind("/outer"):
        with proxies.bind("/inner"):
            assert proxies.request.path == "/inner"
        assert proxies.request.path == "/outer"
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        proxies.request.path  # noqa: B018


def test_the_from_scratch_proxy_forwards_writes_and_deletes() -> None:
    with mini_request_context(EnvironBuilder(path="/").get_environ()) as context:
        mini_g.user = "alice"
        assert context.g.user == "alice"
        del mini_g.user
        assert not hasattr(context.g, "user")
        assert repr(mini_request) == "<LocalProxy for <Request 'http://localhost/' [GET]>>"
    assert repr(mini_request) == "<LocalProxy unbound: foundations.mini_request_context>"


def test_a_job_body_needs_an_app_context() -> None:
    with pytest.raises(RuntimeError, match="Working outside of application context"):
        contexts.record_visit("alice")


def test_a_job_outside_any_request_pushes_an_app_context(app: Flask) -> None:
    record_visit = FlaskJob(app, contexts.record_visit)
    assert not has_app_context()
    assert record_visit("alice") == 1
    assert record_visit("alice") == 2
    assert not has_app_context()
    # Requests and jobs share the database, each through its own connection.
    assert app.test_client().post("/visits/alice").json == {"visits": 3}


def test_a_job_connection_is_closed_when_the_job_ends(app: Flask) -> None:
    connection = FlaskJob(app, contexts.get_db)()
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        connection.execute("SELECT 1")


def test_jobs_on_worker_threads_each_get_their_own_connection(app: Flask) -> None:
    # sqlite3 refuses a connection made on another thread, so this only passes
    # because every job run has its own app context, g and connection.
    barrier = threading.Barrier(WORKERS)

    def visit_together(name: str) -> int:
        contexts.get_db()
        barrier.wait(timeout=10)
        return contexts.record_visit(name)

    job = FlaskJob(app, visit_together)
    counts: list[int] = []
    run_threads(lambda number: counts.append(job("worker")))
    assert sorted(counts) == list(range(1, WORKERS + 1))


def run_threads(target: Callable[[int], object]) -> None:
    """Run ``target(0)`` ... ``target(WORKERS - 1)`` on their own threads and wait."""
    threads = [threading.Thread(target=target, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
