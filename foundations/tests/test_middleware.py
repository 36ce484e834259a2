"""The five middleware classes: each alone, then all of them chained in every order."""

from __future__ import annotations

import base64
import hmac
import itertools
import logging
import re
import threading
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from wsgiref.types import StartResponse
from wsgiref.types import WSGIApplication
from wsgiref.types import WSGIEnvironment

import flask
import pytest

from foundations import flask_app
from foundations import middleware
from foundations import raw_wsgi
from foundations.middleware import ERROR_PAGE
from foundations.middleware import REQUEST_ID_KEY
from foundations.middleware import AccessRecord
from foundations.middleware import AuthMiddleware
from foundations.middleware import ErrorMiddleware
from foundations.middleware import LoggingMiddleware
from foundations.middleware import RequestIdMiddleware
from foundations.middleware import TimingMiddleware
from foundations.middleware import static_credentials
from foundations.tests.wsgi_client import Result
from foundations.tests.wsgi_client import call
from foundations.tests.wsgi_client import make_environ

HTML = [("Content-Type", "text/html; charset=utf-8")]
LOGGER = logging.getLogger("foundations.tests.middleware")  # the ``records`` fixture listens


class Body:
    """A response body that counts its close() calls and can fail after some chunks."""

    def __init__(
        self,
        chunks: Iterable[bytes] = (b"<p>one</p>", b"<p>two</p>"),
        *,
        fail_after: int | None = None,
        on_chunk: Callable[[], None] = lambda: None,
    ) -> None:
        self.chunks = list(chunks)
        self.fail_after = fail_after
        self.on_chunk = on_chunk
        self.closes = 0

    def __iter__(self) -> Iterator[bytes]:
        for index, chunk in enumerate(self.chunks):
            if index == self.fail_after:
                raise ValueError("the body broke")
            self.on_chunk()
            yield chunk
        if self.fail_after == len(self.chunks):
            raise ValueError("the body broke")

    def close(self) -> None:
        self.closes += 1


def app_with(body: Body, status: str = "200 OK") -> WSGIApplication:
    """An app that starts ``status`` and returns ``body``."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response(status, list(HTML))
        return body

    return app


def failing_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    raise ValueError("the app broke")


class FakeClock:
    """A clock that only moves when told to: durations without timing."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Records(logging.Handler):
    """Keeps the records a logger emits."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @property
    def fields(self) -> list[dict[str, object]]:
        """Each record's attributes, where ``extra={...}`` put the access fields."""
        return [vars(record) for record in self.records]


@pytest.fixture
def records() -> Iterator[Records]:
    handler = Records()
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    yield handler
    LOGGER.removeHandler(handler)


def test_logging_writes_the_seed_line(records: Records) -> None:
    app = LoggingMiddleware(app_with(Body()), logger=LOGGER)
    call(app, "GET", "/hello/Alice")
    (record,) = records.records
    line = record.getMessage()
    assert re.fullmatch(
        r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] GET /hello/Alice 200 OK \(\d+\.\dms\)", line
    )


def test_logging_duration_includes_iterating_the_body(records: Records) -> None:
    clock = FakeClock()
    body = Body(on_chunk=lambda: clock.advance(1.5))
    app = LoggingMiddleware(app_with(body), logger=LOGGER, clock=clock)
    call(app, "GET", "/")
    assert records.fields[0]["duration_ms"] == 3000.0
    assert records.records[0].getMessage().endswith("(3000.0ms)")


def test_logging_puts_the_fields_on_the_record_for_json_formatters(records: Records) -> None:
    app = RequestIdMiddleware(
        LoggingMiddleware(
            app_with(Body([b"12345"]), "201 Created"),
            logger=LOGGER,
            fields=lambda environ: {"remote_addr": environ["REMOTE_ADDR"]},
        )
    )
    call(app, "POST", "/tasks", headers={"X-Request-ID": "abc-123"})
    (fields,) = records.fields
    assert fields["method"] == "POST"
    assert fields["path"] == "/tasks"
    assert fields["status"] == 201
    assert fields["bytes_sent"] == 5
    assert fields["request_id"] == "abc-123"
    assert fields["remote_addr"] == "127.0.0.1"
    assert isinstance(fields["duration_ms"], float)


def test_logging_sees_the_request_id_from_an_inner_middleware(records: Records) -> None:
    app = LoggingMiddleware(RequestIdMiddleware(app_with(Body())), logger=LOGGER)
    result = call(app, "GET", "/")
    assert records.fields[0]["request_id"] == result.header("X-Request-ID")


def test_logging_takes_a_format_callable(records: Records) -> None:
    def short(record: AccessRecord) -> str:
        return f"{record.status_code} {record.path} id={record.request_id}"

    app = RequestIdMiddleware(LoggingMiddleware(app_with(Body()), logger=LOGGER, format=short))
    call(app, "GET", "/x", headers={"X-Request-ID": "r1"})
    assert records.records[0].getMessage() == "200 /x id=r1"


def test_logging_escapes_control_characters_in_the_path(records: Records) -> None:
    app = LoggingMiddleware(app_with(Body()), logger=LOGGER)
    call(app, "GET", "/a%0A[2024-01-01 00:00:00] GET /admin 200 OK")
    assert "\n" not in records.records[0].getMessage()
    assert "/a\\x0a[2024" in records.records[0].getMessage()


def test_logging_closes_the_body_once_and_logs_after_it(records: Records) -> None:
    body = Body()
    app = LoggingMiddleware(app_with(body), logger=LOGGER)
    call(app, "GET", "/")
    assert body.closes == 1
    assert len(records.records) == 1


def test_logging_closes_the_body_when_iteration_fails(records: Records) -> None:
    body = Body(fail_after=1)
    app = LoggingMiddleware(app_with(body), logger=LOGGER)
    with pytest.raises(ValueError, match="the body broke"):
        call(app, "GET", "/")
    assert body.closes == 1
    # One chunk went out, so the client got the 200 status, cut short.
    assert records.fields[0]["status"] == 200


def test_logging_records_a_500_when_the_body_fails_before_any_byte(records: Records) -> None:
    app = LoggingMiddleware(app_with(Body(fail_after=0)), logger=LOGGER)
    with pytest.raises(ValueError):
        call(app, "GET", "/")
    assert records.fields[0]["status"] == 500


def test_logging_records_a_500_when_the_app_raises(records: Records) -> None:
    app = LoggingMiddleware(failing_app, logger=LOGGER)
    with pytest.raises(ValueError, match="the app broke"):
        call(app, "GET", "/boom")
    assert "GET /boom 500 Internal Server Error" in records.records[0].getMessage()


def test_logging_steps_aside_when_the_logger_is_off() -> None:
    body = Body()
    logger = logging.getLogger("foundations.tests.silent")
    logger.setLevel(logging.WARNING)
    app = LoggingMiddleware(app_with(body), logger=logger)
    assert app(make_environ(), lambda status, headers, exc_info=None: lambda data: None) is body


def test_timing_adds_both_headers() -> None:
    clock = FakeClock()

    def slow_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        clock.advance(0.25)
        start_response("200 OK", [*HTML, ("X-Response-Time", "stale")])
        return [b"ok"]

    result = call(TimingMiddleware(slow_app, clock=clock), "GET", "/")
    assert result.header_values("Server-Timing") == ["app;dur=250.000"]
    assert result.header_values("X-Response-Time") == ["250.000ms"]


def basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def user_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", list(HTML))
    return [environ.get("REMOTE_USER", "-").encode("latin-1")]


@pytest.fixture
def guarded() -> AuthMiddleware:
    return AuthMiddleware(user_app, check=static_credentials("admin", "secret"))


def test_auth_lets_unprotected_paths_through(guarded: AuthMiddleware) -> None:
    for url in ["/", "/secretary", "/public/secret"]:
        assert call(guarded, "GET", url).code == 200


@pytest.mark.parametrize("url", ["/secret", "/secret/", "/secret/deeper"])
def test_auth_challenges_protected_paths(guarded: AuthMiddleware, url: str) -> None:
    result = call(guarded, "GET", url)
    assert result.code == 401
    assert result.header("WWW-Authenticate") == 'Basic realm="foundations", charset="UTF-8"'
    assert "401 Unauthorized" in result.text


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic " + base64.b64encode(b"admin:wrong").decode(),
        "Basic " + base64.b64encode(b"root:secret").decode(),
        "Basic " + base64.b64encode(b"admin").decode(),
        "Basic " + base64.b64encode(b"admin:secret\xff").decode(),
        "Basic not-base64!",
        "Basic YWRtaW46c2VjcmV0\u00e9",
        "Bearer " + base64.b64encode(b"admin:secret").decode(),
        "",
    ],
)
def test_auth_refuses_bad_credentials(guarded: AuthMiddleware, authorization: str) -> None:
    result = call(guarded, "GET", "/secret", headers={"Authorization": authorization})
    assert result.code == 401


def test_auth_passes_the_user_on_in_remote_user(guarded: AuthMiddleware) -> None:
    result = call(guarded, "GET", "/secret", headers=basic("admin", "secret"))
    assert (result.code, result.body) == (200, b"admin")


def test_auth_scheme_is_case_insensitive(guarded: AuthMiddleware) -> None:
    token = base64.b64encode(b"admin:secret").decode()
    assert call(guarded, "GET", "/secret", headers={"Authorization": f"basic {token}"}).code == 200


def test_auth_stores_a_non_ascii_user_as_a_native_string() -> None:
    app = AuthMiddleware(user_app, check=static_credentials("Jörg", "pässword"))
    result = call(app, "GET", "/secret", headers=basic("Jörg", "pässword"))
    assert result.body.decode("utf-8") == "Jörg"


def test_auth_compares_both_fields_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    compare_digest = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return compare_digest(a, b)

    monkeypatch.setattr(middleware.hmac, "compare_digest", spy)
    check = static_credentials("admin", "secret")
    assert not check("x", "a much longer wrong password")
    # A wrong username still costs the password comparison, on equal-length digests.
    assert len(compared) == 2
    assert all(len(a) == len(b) == 32 for a, b in compared)


def test_error_turns_an_exception_on_call_into_the_500_page(
    caplog: pytest.LogCaptureFixture,
) -> None:
    result = call(ErrorMiddleware(failing_app), "GET", "/boom")
    assert result.code == 500
    assert result.text == ERROR_PAGE
    assert "the app broke" not in result.text
    (record,) = [r for r in caplog.records if r.name == "foundations.error"]
    assert record.exc_info is not None
    assert "Unhandled exception on GET /boom" in record.getMessage()


def test_error_replaces_the_status_when_the_body_fails_before_sending() -> None:
    body = Body(fail_after=0)
    result = call(ErrorMiddleware(app_with(body)), "GET", "/")
    # The app had started "200 OK"; the client never saw it. The second
    # start_response carried exc_info, or the test server would have refused it.
    assert result.start_response_calls == 2
    assert result.code == 500
    assert result.text == ERROR_PAGE
    assert body.closes == 1


def test_error_answers_a_generator_that_fails_before_start_response() -> None:
    def lazy_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterator[bytes]:
        raise ValueError("broke before starting")
        yield b""  # a generator: nothing runs until the server iterates

    result = call(ErrorMiddleware(lazy_app), "GET", "/")
    assert (result.code, result.start_response_calls) == (500, 1)


def test_error_lets_the_server_abort_once_headers_were_sent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = Body(fail_after=1)
    received = Result()
    with pytest.raises(ValueError, match="the body broke"):
        call(ErrorMiddleware(app_with(body)), "GET", "/", result=received)
    # The server re-raised the original error from start_response(..., exc_info):
    # the client keeps the 200 and the first chunk, and the connection is dropped.
    assert received.code == 200
    assert received.body == b"<p>one</p>"
    assert body.closes == 1
    assert any(r.exc_info for r in caplog.records if r.name == "foundations.error")


def test_error_page_has_no_body_for_head() -> None:
    result = call(ErrorMiddleware(failing_app), "HEAD", "/")
    assert (result.code, result.body) == (500, b"")
    assert result.header("Content-Length") == str(len(ERROR_PAGE))


def test_error_closes_a_healthy_body_once() -> None:
    body = Body()
    assert call(ErrorMiddleware(app_with(body)), "GET", "/").code == 200
    assert body.closes == 1


def echo_request_id(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [*HTML, ("x-request-id", "the-app's-own")])
    return [environ[REQUEST_ID_KEY].encode("ascii")]


def test_request_id_is_made_when_none_comes_in() -> None:
    result = call(RequestIdMiddleware(echo_request_id), "GET", "/")
    assert re.fullmatch(r"[0-9a-f]{32}", result.text)
    assert result.header_values("X-Request-ID") == [result.text]


@pytest.mark.parametrize("incoming", ["abc", "A.b_c-9", "x" * 128, "0f" * 16])
def test_request_id_keeps_a_sane_incoming_id(incoming: str) -> None:
    result = call(
        RequestIdMiddleware(echo_request_id), "GET", "/", headers={"X-Request-ID": incoming}
    )
    assert result.text == incoming
    assert result.header("X-Request-ID") == incoming


@pytest.mark.parametrize("incoming", ["", "x" * 129, "a b", "<script>", "abc\n", "é", "a,b"])
def test_request_id_replaces_an_insane_incoming_id(incoming: str) -> None:
    result = call(
        RequestIdMiddleware(echo_request_id), "GET", "/", headers={"X-Request-ID": incoming}
    )
    assert re.fullmatch(r"[0-9a-f]{32}", result.text)


def test_request_id_ignores_incoming_ids_unless_trusted() -> None:
    app = RequestIdMiddleware(echo_request_id, trust_incoming=False)
    result = call(app, "GET", "/", headers={"X-Request-ID": "abc"})
    assert result.text != "abc"


def test_request_id_header_and_environ_key_are_configurable() -> None:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", list(HTML))
        return [environ["myapp.trace"].encode("ascii")]

    wrapped = RequestIdMiddleware(
        app, header="X-Trace", environ_key="myapp.trace", generate=lambda: "fixed"
    )
    result = call(wrapped, "GET", "/", headers={"X-Request-ID": "ignored"})
    assert (result.text, result.header("X-Trace")) == ("fixed", "fixed")


def test_middleware_keeps_no_state_between_threads(records: Records) -> None:
    threads = 8
    barrier = threading.Barrier(threads)

    def waiting_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        barrier.wait(timeout=10)  # every request is in flight at once
        start_response("200 OK", list(HTML))
        return [environ["PATH_INFO"].encode("ascii")]

    app = RequestIdMiddleware(LoggingMiddleware(waiting_app, logger=LOGGER))
    results: dict[int, Result] = {}

    def worker(number: int) -> None:
        results[number] = call(app, "GET", f"/{number}", headers={"X-Request-ID": f"id-{number}"})

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    for number, result in results.items():
        assert (result.text, result.header("X-Request-ID")) == (f"/{number}", f"id-{number}")
    assert sorted((f["path"], f["request_id"]) for f in records.fields) == sorted(
        (f"/{n}", f"id-{n}") for n in range(threads)
    )


LAYERS: dict[str, Callable[[WSGIApplication], WSGIApplication]] = {
    "request_id": RequestIdMiddleware,
    "logging": lambda app: LoggingMiddleware(app, logger=LOGGER),
    "timing": TimingMiddleware,
    "auth": lambda app: AuthMiddleware(app, check=static_credentials("admin", "secret")),
    "error": ErrorMiddleware,
}


def chain(order: tuple[str, ...], app: WSGIApplication) -> WSGIApplication:
    for name in reversed(order):  # the first name ends up outermost
        app = LAYERS[name](app)
    return app


@pytest.mark.parametrize("order", list(itertools.permutations(LAYERS)), ids="-".join)
def test_chaining_in_any_order_keeps_every_behaviour(
    order: tuple[str, ...], records: Records
) -> None:
    app = chain(order, raw_wsgi.create_app())
    page = call(app, "GET", "/hello/Alice")
    assert "<h1>Hello, Alice!</h1>" in page.text
    assert page.header("X-Request-ID") and page.header("Server-Timing")
    assert call(app, "GET", "/secret").code == 401
    assert (
        "Signed in as admin" in call(app, "GET", "/secret", headers=basic("admin", "secret")).text
    )
    failure = call(app, "GET", "/error")
    assert (failure.code, failure.text) == (500, ERROR_PAGE)
    # Logging only sees the 401 when it sits outside Auth, which answers it alone.
    logged_401 = order.index("logging") < order.index("auth")
    expected = [200, 401, 200, 500] if logged_401 else [200, 200, 500]
    assert [f["status"] for f in records.fields] == expected

    body = Body()
    call(chain(order, app_with(body)), "GET", "/")
    assert body.closes == 1


def test_flask_views_see_the_request_id_when_wsgi_app_is_wrapped() -> None:
    # Flask's advice, and how the product uses these classes: wrap app.wsgi_app, so
    # `app` stays the Flask object with its test client, CLI and config.
    app = flask_app.create_app()

    @app.get("/request-id")
    def show_request_id() -> str:
        return str(flask.request.environ[REQUEST_ID_KEY])

    app.wsgi_app = RequestIdMiddleware(app.wsgi_app)  # type: ignore[method-assign]
    response = app.test_client().get("/request-id", headers={"X-Request-ID": "from-proxy"})
    assert response.text == "from-proxy"
    assert response.headers["X-Request-ID"] == "from-proxy"
