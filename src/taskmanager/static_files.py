"""Static file URLs that change when the file does: ``/static/app.css?v=<hash>``.

nginx (deploy/nginx.conf) serves /static/ with a one-year ``immutable`` cache; a
changed file gets a new URL, so no browser keeps an old copy after a deploy.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from typing import Any

from flask import Flask


@lru_cache(maxsize=512)
def _digest(path: str, mtime_ns: int) -> str:
    # Keyed by modification time too: an edited file during development gets a new hash.
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:12]


def version_of(app: Flask, filename: str) -> str | None:
    """The content hash of a static file, or None if there is no such file."""
    if not app.static_folder:
        return None
    path = os.path.join(app.static_folder, filename)
    try:
        return _digest(path, os.stat(path).st_mtime_ns)
    except OSError:
        return None


def init_app(app: Flask) -> None:
    @app.url_defaults
    def add_version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "v" not in values and "filename" in values:
            version = version_of(app, values["filename"])
            if version:
                values["v"] = version
