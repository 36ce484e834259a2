"""The interactive API docs at /api/docs, served from this app alone.

APIFlask's own docs page loads Swagger UI from a CDN and starts it with an inline
script: the CSP (script-src 'self' with nonces) blocks both, and an offline machine
cannot reach the CDN, so the page came up blank. Here the Swagger UI files are
vendored under static/vendor/swagger-ui and started by a static script, so the page
works under the same CSP as every other page.
"""

from __future__ import annotations

from flask import Blueprint
from flask import render_template

bp = Blueprint("api_docs", __name__)


@bp.get("/api/docs")
def docs() -> str:
    return render_template("api_docs.html")
