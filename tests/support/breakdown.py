"""Helpers for checklist and dependency tests: rows made through the services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.orgs.models import Membership
from taskmanager.orgs.services import member
from taskmanager.tasks.models import Task
from tests.factories import detach


@contextmanager
def acting(app: Flask, org: Any, user: Any) -> Iterator[Membership]:
    """Inside the organization's scope, as ``user``'s membership (a request's view)."""
    with app.test_request_context(), tenancy.scoped_to({org.id}):
        yield member(org.id, user.id)


def task(task_id: int) -> Task:
    found = db.session.get(Task, task_id)
    assert found is not None
    return found


def add_items(app: Flask, org: Any, user: Any, task_id: int, *titles: str) -> list[Any]:
    from taskmanager.checklists import services
    from taskmanager.checklists.schemas import ChecklistItemCreate

    with acting(app, org, user) as me:
        made = [
            services.add_item(actor=me, task=task(task_id), data=ChecklistItemCreate(title=title))
            for title in titles
        ]
        return [detach(item) for item in made]


def link(app: Flask, org: Any, user: Any, *, blocker: int, blocked: int) -> Any:
    """``blocker`` blocks ``blocked``."""
    from taskmanager.dependencies import services

    with acting(app, org, user) as me:
        made = services.add_dependency(actor=me, blocker=task(blocker), blocked=task(blocked))
        return detach(made)


# The tasks of ``blocked_and_free``: all of them, and the one blocked.
TITLES = frozenset({"Write the launch post", "Research", "Done already", "Announce"})
BLOCKED = frozenset({"Write the launch post"})


def blocked_and_free(app: Flask, team: Any) -> None:
    """Beside the team's task: "Research" blocks it; "Done already" blocked "Announce"
    but is done, so "Announce" is no longer blocked (``TITLES``, ``BLOCKED``)."""
    from tests.factories import make_task

    owner = team.people["owner"]
    research = make_task(app, team.project, owner, title="Research")
    done = make_task(app, team.project, owner, title="Done already", status="done")
    announce = make_task(app, team.project, owner, title="Announce")
    link(app, team.org, owner, blocker=research.id, blocked=team.task.id)
    link(app, team.org, owner, blocker=done.id, blocked=announce.id)
