"""The next occurrence made by a real Celery worker after the completion commits."""

from datetime import UTC
from datetime import datetime

from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task
from tests.support.repeating import complete
from tests.support.repeating import repeat
from tests.support.repeating import series_tasks
from tests.support.waiting import wait_until


def test_a_worker_makes_the_next_occurrence_once_the_completion_commits(
    committed_app, worker, make_user
):
    app = committed_app
    owner = make_user(name="Worker Owner")
    org = make_org(app, owner, name="Workers")
    project = make_project(app, org)
    made = make_task(
        app, project, owner, title="Backup check", due_at=datetime(2026, 1, 5, 9, tzinfo=UTC)
    )
    repeat(app, org, owner, made.id, "FREQ=WEEKLY", "UTC")
    complete(app, org, owner, made.id)
    wait_until(
        lambda: len(series_tasks(app, project.id, "Backup check")) == 2,
        timeout=60, what="the worker made the next occurrence",
    )  # fmt: skip
    first, second = series_tasks(app, project.id, "Backup check")
    assert second.status == "todo" and second.repeat_rule == "FREQ=WEEKLY;BYDAY=MO"
    assert second.due_at.weekday() == 0 and second.due_at > datetime.now(UTC)
    assert first.repeat_rule is None
