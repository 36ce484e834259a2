"""Migrations build the schema the models describe, on PostgreSQL and on SQLite."""

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from taskmanager import create_app
from taskmanager.extensions import db
from taskmanager.tasks.search import is_search_object
from tests.support.services import PG_ADMIN_DSN
from tests.support.services import worker_name


def drift(app):
    with app.app_context(), db.engine.connect() as connection:
        opts = {
            "compare_type": True,
            "include_object": lambda obj, name, *rest: not is_search_object(name),
        }
        context = MigrationContext.configure(connection, opts=opts)
        return compare_metadata(context, db.metadata)


@pytest.fixture
def empty_postgres():
    name = f"tm_migrations_check_{worker_name()}"  # one per lane: runs may overlap
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.xdist_group("migrations-postgres")
def test_migrations_build_the_models_on_empty_postgresql(empty_postgres):
    app = create_app({"TESTING": True, "DATABASE_URL": empty_postgres})
    with app.app_context():
        upgrade()
    assert drift(app) == []


@pytest.mark.sqlite
def test_migrations_build_the_models_on_empty_sqlite(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/tm.sqlite3"})
    with app.app_context():
        upgrade()
    assert drift(app) == []
