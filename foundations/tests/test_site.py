"""One behaviour, three implementations: every test runs against each app.

``app`` is each app bare and inside the middleware chain; ``bare_app`` and
``wrapped_app`` are for the routes whose answer depends on the middleware. Every
request goes through ``wsgiref.validate.validator`` unless a test says why not.
"""

from __future__ import annotations

import base64
from wsgiref.types import WSGIApplication

import pytest

from foundations import flask_app
from foundations.middleware import ERROR_PAGE
from foundations.tests.apps import PASSWORD
from foundations.tests.apps import USERNAME
from foundations.tests.wsgi_client import call

FORM = "application/x-www-form-urlencoded"


def basic_auth(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def test_index_welcomes(app: WSGIApplication) -> None:
    result = call(app, "GET", "/")
    assert result.code == 200
    assert result.header("Content-Type") == "text/html; charset=utf-8"
    assert "<h1>Welcome" in result.text


def test_hello_greets_by_name(app: WSGIApplication) -> None:
    assert "<h1>Hello, Alice!</h1>" in call(app, "GET", "/hello/Alice").text


def test_hello_decodes_the_name_from_the_url(app: WSGIApplication) -> None:
    assert "<h1>Hello, Jörg Smith!</h1>" in call(app, "GET", "/hello/J%C3%B6rg%20Smith").text


def test_hello_escapes_markup_in_the_name(app: WSGIApplication) -> None:
    result = call(app, "GET", "/hello/%3Cscript%3Ealert(1)%3C%20script%3E")
    assert result.code == 200
    assert "<script>" not in result.text
    assert "<h1>Hello, &lt;script&gt;alert(1)&lt; script&gt;!</h1>" in result.text


@pytest.mark.parametrize("url", ["/hello/", "/hello/a/b", "/hello"])
def test_hello_without_exactly_one_name_is_404(app: WSGIApplication, url: str) -> None:
    assert call(app, "GET", url).code == 404


def test_greet_reads_the_query_string(app: WSGIApplication) -> None:
    assert "<h1>Hello, Bob!</h1>" in call(app, "GET", "/greet?name=Bob").text
    assert "<h1>Hello, Jörg!</h1>" in call(app, "GET", "/greet?name=J%C3%B6rg").text


def test_greet_escapes_markup(app: WSGIApplication) -> None:
    result = call(app, "GET", "/greet?name=%3Cb%3Ebold%3C/b%3E")
    assert "<b>" not in result.text
    assert "&lt;b&gt;bold&lt;/b&gt;" in result.text


@pytest.mark.parametrize("url", ["/greet", "/greet?name=", "/greet?other=Bob"])
def test_greet_without_a_name_is_400_with_a_message(app: WSGIApplication, url: str) -> None:
    result = call(app, "GET", url)
    assert result.code == 400
    assert "Missing the name parameter" in result.text


def test_submit_echoes_the_message(app: WSGIApplication) -> None:
    result = call(app, "POST", "/submit", body=b"message=Hi+there", content_type=FORM)
    assert result.code == 200
    assert "<h1>You submitted: Hi there</h1>" in result.text


def test_submit_accepts_a_charset_parameter(app: WSGIApplication) -> None:
    result = call(
        app, "POST", "/submit", body=b"message=J%C3%B6rg", content_type=FORM + "; charset=utf-8"
    )
    assert "<h1>You submitted: Jörg</h1>" in result.text


def test_submit_escapes_markup(app: WSGIApplication) -> None:
    body = b"message=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E"
    result = call(app, "POST", "/submit", body=body, content_type=FORM)
    assert "<img" not in result.text
    assert "You submitted: &lt;img src=x onerror=alert(1)&gt;" in result.text


@pytest.mark.parametrize("body", [b"", b"other=1", b"message="])
def test_submit_without_a_message_is_400(app: WSGIApplication, body: bytes) -> None:
    result = call(app, "POST", "/submit", body=body, content_type=FORM)
    assert result.code == 400
    assert "Missing the message field" in result.text


def test_submit_without_content_length_reads_no_body(app: WSGIApplication) -> None:
    # PEP 3333: without CONTENT_LENGTH the app must not read the input at all.
    result = call(
        app, "POST", "/submit", body=b"message=Hi", content_type=FORM, content_length=None
    )
    assert result.code == 400


@pytest.mark.parametrize("content_length", ["abc", "-1", "1.5", "0x10", "1_0"])
def test_submit_with_an_invalid_content_length_is_400(
    app: WSGIApplication, content_length: str
) -> None:
    # The validator rejects such an environ itself (a conforming server never builds
    # one), but wsgiref's server passes the header through as sent: the app must cope.
    result = call(
        app,
        "POST",
        "/submit",
        body=b"message=Hi",
        content_type=FORM,
        content_length=content_length,
        validate=False,
    )
    assert result.code == 400


def test_submit_takes_a_body_of_exactly_64_kib(app: WSGIApplication) -> None:
    body = b"message=" + b"x" * (64 * 1024 - len(b"message="))
    result = call(app, "POST", "/submit", body=body, content_type=FORM)
    assert result.code == 200


def test_submit_with_a_body_over_64_kib_is_413(app: WSGIApplication) -> None:
    body = b"message=" + b"x" * (64 * 1024)
    assert call(app, "POST", "/submit", body=body, content_type=FORM).code == 413


def test_submit_refuses_a_huge_declared_length_without_reading(app: WSGIApplication) -> None:
    result = call(
        app,
        "POST",
        "/submit",
        body=b"message=Hi",
        content_type=FORM,
        content_length=str(10**12),
    )
    assert result.code == 413


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", None])
def test_submit_other_than_a_form_is_415(app: WSGIApplication, content_type: str | None) -> None:
    result = call(app, "POST", "/submit", body=b'{"message": "Hi"}', content_type=content_type)
    assert result.code == 415


def test_get_on_submit_is_405_with_allow(app: WSGIApplication) -> None:
    result = call(app, "GET", "/submit")
    assert result.code == 405
    allowed = {method.strip() for method in (result.header("Allow") or "").split(",")}
    assert "POST" in allowed
    assert "GET" not in allowed


def test_post_on_a_page_is_405_with_allow(app: WSGIApplication) -> None:
    result = call(app, "POST", "/", body=b"message=Hi", content_type=FORM)
    assert result.code == 405
    assert "GET" in (result.header("Allow") or "")


def test_head_sends_the_headers_of_get_without_a_body(app: WSGIApplication) -> None:
    get = call(app, "GET", "/hello/Alice")
    head = call(app, "HEAD", "/hello/Alice")
    assert head.code == 200
    assert head.body == b""
    assert head.header("Content-Length") == str(len(get.body))


@pytest.mark.parametrize(
    ("method", "url"), [("PUT", "/"), ("DELETE", "/submit"), ("PATCH", "/greet")]
)
def test_other_methods_are_405_too(app: WSGIApplication, method: str, url: str) -> None:
    result = call(app, method, url)
    assert result.code == 405
    assert result.header("Allow")


def test_invalid_utf8_in_path_query_and_body_is_answered_not_fatal(app: WSGIApplication) -> None:
    # Raw WSGI decodes %FF to U+FFFD; Werkzeug keeps it as the text "%FF". Either is safe.
    assert "<h1>Hello, " in call(app, "GET", "/hello/%FF").text
    assert "<h1>Hello, " in call(app, "GET", "/greet?name=%FF").text
    result = call(app, "POST", "/submit", body=b"message=%FF", content_type=FORM)
    assert "<h1>You submitted: " in result.text


@pytest.mark.parametrize("url", ["/nope", "/static", "/HELLO/Alice", "/submit/extra"])
def test_anything_else_is_a_404_page(app: WSGIApplication, url: str) -> None:
    result = call(app, "GET", url)
    assert result.code == 404
    assert result.header("Content-Type") == "text/html; charset=utf-8"
    assert "Not Found" in result.text


def test_error_escapes_from_the_bare_app(bare_app: WSGIApplication) -> None:
    with pytest.raises(RuntimeError, match="fails on purpose"):
        call(bare_app, "GET", "/error")


def test_error_becomes_the_500_page_behind_the_middleware(wrapped_app: WSGIApplication) -> None:
    result = call(wrapped_app, "GET", "/error")
    assert result.code == 500
    assert result.text == ERROR_PAGE
    assert "fails on purpose" not in result.text


def test_secret_is_forbidden_without_the_auth_middleware(bare_app: WSGIApplication) -> None:
    result = call(bare_app, "GET", "/secret")
    assert result.code == 403
    assert "AuthMiddleware" in result.text


def test_secret_asks_for_credentials(wrapped_app: WSGIApplication) -> None:
    result = call(wrapped_app, "GET", "/secret")
    assert result.code == 401
    assert (result.header("WWW-Authenticate") or "").startswith("Basic realm=")


def test_secret_refuses_a_wrong_password(wrapped_app: WSGIApplication) -> None:
    result = call(wrapped_app, "GET", "/secret", headers=basic_auth(USERNAME, "guess"))
    assert result.code == 401


def test_secret_shows_the_signed_in_user(wrapped_app: WSGIApplication) -> None:
    result = call(wrapped_app, "GET", "/secret", headers=basic_auth(USERNAME, PASSWORD))
    assert result.code == 200
    assert f"Signed in as {USERNAME}." in result.text


def test_the_chain_adds_request_id_and_timing_headers(wrapped_app: WSGIApplication) -> None:
    result = call(wrapped_app, "GET", "/", headers={"X-Request-ID": "trace-42"})
    assert result.header("X-Request-ID") == "trace-42"
    assert (result.header("Server-Timing") or "").startswith("app;dur=")
    assert (result.header("X-Response-Time") or "").endswith("ms")


def test_flask_serves_its_stylesheet() -> None:
    app = flask_app.create_app()
    result = call(app, "GET", "/static/style.css")
    assert result.code == 200
    assert (result.header("Content-Type") or "").startswith("text/css")
    assert b"font-family" in result.body
    assert '<link rel="stylesheet" href="/static/style.css">' in call(app, "GET", "/").text
