from taskmanager import create_app
from tests.test_config import PRODUCTION


def test_landing_page_welcomes_and_explains(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Welcome" in page
    assert "tasks" in page


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "could not find that page" in response.get_data(as_text=True)


def test_api_errors_use_the_json_error_shape(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json["error"] == "not_found"
    assert response.json["message"]


def test_security_headers_are_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "nonce-" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def _talisman_headers(app, response):
    """What plain Talisman would have sent for this answer, for comparison."""
    from flask import request
    from flask_talisman import Talisman
    from werkzeug import Response

    talisman = app.extensions["taskmanager.talisman"]
    csp = response.headers["Content-Security-Policy"]
    if "'nonce-" in csp:  # none on a redirect to https: it answers before the nonce is made
        request.csp_nonce = csp.split("'nonce-")[1].split("'")[0]
    plain = Response()
    Talisman._set_response_headers(talisman, plain)
    return {k: v for k, v in plain.headers.items() if k != "Content-Type"}


def test_assembled_security_headers_are_talismans_own():
    """Assembled once, the headers are what Talisman writes per answer: pages, API, own options."""
    app = create_app({**PRODUCTION, "DATABASE_URL": "sqlite://", "TRUSTED_HOSTS": ["tm.test"]})
    client = app.test_client()
    nonces = []
    for path in ("/login", "/api/v1/openapi.json", "/livez", "/login"):
        for proto in ("https", "http"):
            response = client.get(
                path, base_url=f"{proto}://tm.test", headers={"X-Forwarded-Proto": proto}
            )
            with app.test_request_context(
                path, base_url=f"{proto}://tm.test", headers={"X-Forwarded-Proto": proto}
            ):
                expected = _talisman_headers(app, response)
            assert {k: response.headers.get(k) for k in expected} == expected, path
            assert ("Strict-Transport-Security" in expected) == (proto == "https")
            if proto == "https":
                nonces.append(expected["Content-Security-Policy"])
    assert len(set(nonces)) == len(nonces) == 4  # a fresh nonce for every answer


def test_production_sends_hsts_and_host_prefixed_secure_cookies():
    app = create_app({**PRODUCTION, "DATABASE_URL": "sqlite://", "TRUSTED_HOSTS": ["tm.test"]})
    client = app.test_client()
    response = client.get(
        "/login", base_url="https://tm.test", headers={"X-Forwarded-Proto": "https"}
    )
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie


def test_untrusted_host_header_is_refused():
    app = create_app({**PRODUCTION, "DATABASE_URL": "sqlite://", "TRUSTED_HOSTS": ["tm.test"]})
    response = app.test_client().get("/livez", base_url="https://evil.test")
    assert response.status_code == 400


def test_dev_outbox_is_hidden_outside_development(client):
    assert client.get("/dev/outbox").status_code == 404
