"""The app on the embedded default: a fresh, migrated SQLite database in a folder."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import upgrade

from taskmanager import create_app
from taskmanager.extensions import db

# The first database this process migrated, kept as a template. Running every migration
# on SQLite took 3-4 s of each SQLite test's setup under load; a copy of the result is
# the same database in milliseconds. Whether the migrations themselves apply on SQLite
# is tests/test_migrations.py's and tests/test_embedded_default.py's question: those
# run them for real.
_migrated: Path | None = None


def migrate(app: Flask) -> None:
    """Bring ``app``'s SQLite database to the newest migration, as ``flask db upgrade``."""
    global _migrated
    with app.app_context():
        database = Path(str(db.engine.url.database))
        db.engine.dispose()
        if _migrated is None:
            upgrade()
            db.engine.dispose()
            template = Path(tempfile.mkdtemp(prefix="tm_sqlite_migrated-")) / "template.sqlite3"
            _copy(database, template)
            _migrated = template
        else:
            _copy(_migrated, database)


def _copy(source: Path, target: Path) -> None:
    """SQLite's online backup: every page, whatever the journal mode or the target held."""
    with closing(sqlite3.connect(source)) as reader, closing(sqlite3.connect(target)) as writer:
        reader.backup(writer)


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
    migrate(app)
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
