"""The migration to gapped positions spaces each column's stored 0, 1, 2... keys
without changing its order, on PostgreSQL and on SQLite, and undoes it on the way down."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade
from flask_migrate import upgrade
from sqlalchemy import select

from taskmanager import create_app
from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.tasks.models import Task
from tests.support.migrations import old_projects
from tests.test_migrations import empty_postgres  # noqa: F401 - a fixture

BEFORE = "rc3e9a1f5b20"
GAPPED = "s6or2b7d4e91"


def columns(app):
    """Each (project, status) column as (id, position) in board order."""
    with app.app_context(), tenancy.system():
        rows = db.session.execute(
            select(Task.project_id, Task.status, Task.id, Task.position).order_by(
                Task.project_id, Task.status, Task.position, Task.id
            )
        )
        found: dict[tuple[int, str], list[tuple[int, int]]] = {}
        for row in rows:
            found.setdefault((row.project_id, row.status), []).append((row.id, row.position))
        return found


def migrate_stored_positions(url):
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        upgrade(revision=BEFORE)
        with tenancy.system():
            org, projects = old_projects("A", "B")
            # As the code before stored them: 0, 1, 2... per column, and a tie.
            stored = [(0, "todo", 2), (0, "todo", 0), (0, "todo", 1), (0, "done", 0),
                      (1, "todo", 0), (1, "todo", 1), (1, "todo", 1)]  # fmt: skip
            for project, status, position in stored:
                db.session.add(
                    Task(organization_id=org.id, project_id=projects[project].id,
                         title="T", status=status, position=position)
                )  # fmt: skip
            db.session.commit()
    old = columns(app)
    with app.app_context():
        upgrade(revision=GAPPED)
    new = columns(app)
    with app.app_context():
        downgrade(revision=BEFORE)
    down = columns(app)
    for key, cards in old.items():
        assert [i for i, _ in new[key]] == [i for i, _ in cards]  # the same order
        assert [p for _, p in new[key]] == [n * 1024 for n in range(len(cards))]
        assert down[key] == [(i, n) for n, (i, _) in enumerate(cards)]


@pytest.mark.xdist_group("migrations-postgres")
def test_the_migration_spaces_stored_positions_on_postgresql(empty_postgres):  # noqa: F811
    migrate_stored_positions(empty_postgres)


@pytest.mark.sqlite
def test_the_migration_spaces_stored_positions_on_sqlite(tmp_path):
    migrate_stored_positions(f"sqlite:///{tmp_path}/tm.sqlite3")
