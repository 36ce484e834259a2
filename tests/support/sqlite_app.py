"""The app on the embedded default: a fresh, migrated SQLite database in a folder."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import upgrade

from taskmanager import create_app
from taskmanager.extensions import db


@contextmanager
def sqlite_app(folder: Path, **config: Any) -> Iterator[Flask]:
    """An app on SQLite files in ``folder``, migrated; ``config`` overrides settings."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "sqlite-test-secret-key-0123456789abcdef",
            "DATABASE_URL": f"sqlite:///{folder}/taskmanager.sqlite3",
            "BROKER_URL": f"sqla+sqlite:///{folder}/broker.sqlite3",
            "OUTBOX_DIR": str(folder / "outbox"),
            **config,
        }
    )
    with app.app_context():
        upgrade()
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
