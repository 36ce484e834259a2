"""Security headers on every response, through flask-talisman."""

from __future__ import annotations

from flask import Flask
from flask_talisman import Talisman

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


def init_app(app: Flask) -> None:
    production = is_production(app.config)
    # One Talisman per app: it keeps its options on itself, not on the app.
    Talisman(
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
