"""Security headers on every response, through flask-talisman."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import current_app
from flask import request
from flask_talisman import Talisman
from flask_talisman.talisman import NONCE_LENGTH
from flask_talisman.talisman import get_random_string
from werkzeug import Response

from taskmanager.config import is_production

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}


_NONCE = "\x00nonce\x00"  # where the request's nonce goes in the assembled policy
_OPTIONS = (
    "frame_options", "frame_options_allow_from", "content_security_policy",
    "content_security_policy_nonce_in", "permissions_policy", "document_policy", "feature_policy",
)  # fmt: skip


class AssembledTalisman(Talisman):
    """Talisman with the app's headers assembled once, not on every answer.

    Talisman re-reads its options (three times a request) and re-joins the policy on
    every answer, though only the nonce changes. Here the headers of a view without
    options of its own are Talisman's own output, taken once per scheme (HSTS is sent
    on https only) with a placeholder for the nonce. A view with its own options (an
    attachment's sandbox, the billing page) keeps Talisman's path.
    """

    def __init__(self, app: Flask, **kwargs: Any) -> None:
        self._assembled: dict[bool, list[tuple[str, str]]] = {}
        super().__init__(app, **kwargs)

    def _own_options(self) -> bool:
        view = current_app.view_functions.get(request.endpoint or "")
        own: dict[str, Any] = getattr(view, "talisman_view_options", None) or {}
        return bool(own) and any(own.get(k, getattr(self, k)) != getattr(self, k) for k in _OPTIONS)

    def _make_nonce(self) -> None:
        if self._own_options():
            super()._make_nonce()
        elif not getattr(request, "csp_nonce", None):
            request.csp_nonce = get_random_string(NONCE_LENGTH)  # type: ignore[attr-defined]

    def _headers(self, secure: bool) -> list[tuple[str, str]]:
        headers = self._assembled.get(secure)
        if headers is None:
            scheme = "https" if secure else "http"
            with current_app.test_request_context(base_url=f"{scheme}://assembled.invalid"):
                request.csp_nonce = _NONCE  # type: ignore[attr-defined]
                blank = Response()
                before = set(blank.headers.keys())
                super()._set_response_headers(blank)
            headers = [(k, v) for k, v in blank.headers.items() if k not in before]
            self._assembled[secure] = headers
        return headers

    def _set_response_headers(self, response: Response) -> Response:
        nonce = getattr(request, "csp_nonce", None)
        if not nonce or self._own_options():
            response = super()._set_response_headers(response)
            return response
        secure = request.is_secure or request.headers.get("X-Forwarded-Proto") == "https"
        for name, value in self._headers(secure):
            response.headers[name] = value.replace(_NONCE, nonce) if _NONCE in value else value
        return response


def init_app(app: Flask) -> None:
    production = is_production(app.config)
    # One Talisman per app: it keeps its options on itself, not on the app.
    app.extensions["taskmanager.talisman"] = AssembledTalisman(
        app,
        content_security_policy=CONTENT_SECURITY_POLICY,
        content_security_policy_nonce_in=["script-src"],
        frame_options="DENY",
        force_https=production,
        strict_transport_security=production,
        strict_transport_security_max_age=31_536_000,
        strict_transport_security_include_subdomains=True,
        session_cookie_secure=production,
        session_cookie_http_only=True,
        referrer_policy="strict-origin-when-cross-origin",
        force_file_save=False,
    )
