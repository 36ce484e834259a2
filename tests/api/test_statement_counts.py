"""SQL statements per API request: few, and the same whatever the page size (P5).

Counted with a ``before_cursor_execute`` listener on the app's engine, as
``make bench`` counts them. Each task in the lists has an assignee, labels and
comments, so a relationship loaded per row would show up as statements per row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine.interfaces import CacheStats

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.tasks import comments
from taskmanager.tasks.schemas import CommentFields
from tests.factories import make_label
from tests.factories import make_task

READ_BUDGET = 4
SAVEPOINTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@contextmanager
def counted(app: Any) -> Iterator[list[str]]:
    seen: list[str] = []
    with app.app_context():
        engine = db.engines[None]

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # The tests' own isolation (each test in a savepoint) is not the request's.
        if not statement.lstrip().upper().startswith(SAVEPOINTS):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def busy(app, team):
    """Twelve tasks, each assigned, labelled twice and commented on."""
    from taskmanager.orgs.services import member

    second = make_label(app, team.org, name="urgent")
    people = list(team.people.values())
    ids = []
    for n in range(12):
        task = make_task(
            app, team.project, team.people["owner"], title=f"Busy {n}",
            assignee_id=people[n % 3].id, label_ids=[team.label.id, second.id],
        )  # fmt: skip
        ids.append(task.id)
    with app.app_context(), tenancy.system():
        actor = member(team.org.id, team.people["owner"].id)
        for task_id in ids[:4]:
            from taskmanager.tasks.services import get_task

            comments.add_comment(
                actor=actor, task=get_task(team.org.id, task_id), data=CommentFields(body="Hi")
            )
    return ids


def statements(app, api, method: str, path: str, **kwargs: Any) -> int:
    api.request(method, path, **kwargs)  # the first request of a client warms caches
    with counted(app) as seen:
        response = api.request(method, path, **kwargs)
    assert response.status_code < 300, response.get_json()
    return len(seen)


def test_a_task_read_takes_at_most_four_statements(app, api_as, team, busy):
    api = api_as(team.people["member"])
    assert statements(app, api, "GET", f"/tasks/{busy[0]}") <= READ_BUDGET


@pytest.mark.parametrize("sort", ["position", "title", "-created_at"])
def test_a_task_page_costs_the_same_few_statements_whatever_its_size(app, api_as, team, busy, sort):
    api = api_as(team.people["member"])
    path = f"/projects/{team.project.id}/tasks?sort={sort}&per_page="
    counts = {size: statements(app, api, "GET", f"{path}{size}") for size in (2, 10, 100)}
    assert len(set(counts.values())) == 1, counts
    assert counts[100] <= READ_BUDGET


def test_the_tasks_across_organizations_cost_the_same_whatever_the_page_size(
    app, api_as, team, busy
):
    api = api_as(team.people["member"])
    counts = {size: statements(app, api, "GET", f"/tasks?per_page={size}") for size in (2, 100)}
    assert len(set(counts.values())) == 1, counts


@contextmanager
def compiled(app: Any) -> Iterator[list[str]]:
    """Each statement sent, with whether SQLAlchemy compiled it anew (a cache miss)."""
    misses: list[str] = []
    with app.app_context():
        engine = db.engines[None]

    def seen(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: Any) -> None:
        if context.cache_hit is CacheStats.CACHE_MISS:
            misses.append(statement)

    event.listen(engine, "after_cursor_execute", seen)
    try:
        yield misses
    finally:
        event.remove(engine, "after_cursor_execute", seen)


def test_the_tenancy_net_keeps_the_compiled_statement_cache_working(app, api_as, team, busy):
    # with_loader_criteria adds a lambda to every scoped statement: its bound values
    # must be parameters of one cached statement, not new SQL for each request.
    api = api_as(team.people["member"])
    requests = [
        ("GET", f"/tasks/{busy[0]}", {}),
        ("GET", f"/projects/{team.project.id}/tasks?per_page=10", {}),
        ("GET", "/tasks?per_page=10", {}),
        ("POST", f"/projects/{team.project.id}/tasks", {"json": {"title": "Cached"}}),
    ]
    for method, path, kwargs in requests:
        api.request(method, path, **kwargs)
    with compiled(app) as misses:
        for method, path, kwargs in requests:
            assert api.request(method, path, **kwargs).status_code < 300
    assert misses == []


def test_creating_a_task_takes_three_statements(app, api_as, team):
    # The caller, the membership with the project, then one statement: the task row
    # at its column's next position, its followers and its history row (CTEs). The
    # answer is made from what was written, not reloaded.
    api = api_as(team.people["member"])
    path = f"/projects/{team.project.id}/tasks"
    assert statements(app, api, "POST", path, json={"title": "Counted"}) == 3
