"""The migration to search_words fills it with the words of the tasks and comments
already stored (a prefix is searched as those words: one missing would hide a match),
and undoes it on the way down."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade
from flask_migrate import upgrade
from sqlalchemy import text

from taskmanager import create_app
from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.tasks.models import Comment
from taskmanager.tasks.models import Task
from tests.support.migrations import old_projects
from tests.test_migrations import empty_postgres  # noqa: F401 - a fixture

BEFORE = "s6p6a4d2c8e1"
WORDS = "s7sw5e1b3c90"


@pytest.mark.xdist_group("migrations-postgres")
def test_the_migration_gathers_the_stored_words(empty_postgres):  # noqa: F811
    app = create_app({"TESTING": True, "DATABASE_URL": empty_postgres})
    with app.app_context():
        upgrade(revision=BEFORE)
        with tenancy.system():
            org, [project] = old_projects("A")
            task = Task(organization_id=org.id, project_id=project.id, title="Shipping",
                        description="Crates of Lorem", status="todo", position=0)  # fmt: skip
            db.session.add(task)
            db.session.flush()
            db.session.add(Comment(organization_id=org.id, task_id=task.id, body="Dock 7"))
            db.session.commit()
        upgrade(revision=WORDS)
        words = set(db.session.scalars(text("SELECT word FROM search_words")))
        db.session.rollback()  # its lock on search_words would keep the downgrade waiting
        assert words == {"shipping", "crates", "of", "lorem", "dock", "7"}
        downgrade(revision=BEFORE)
        assert db.session.scalar(text("SELECT to_regclass('search_words')")) is None
