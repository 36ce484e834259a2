"""Rows the search and saved-view tests share: comments, archived projects."""

from __future__ import annotations

from typing import Any

from flask import Flask

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.orgs.services import member
from taskmanager.projects.models import Project
from taskmanager.tasks import comments
from taskmanager.tasks.models import Task
from taskmanager.tasks.schemas import CommentFields


def add_comment(app: Flask, task: Any, author: Any, body: str) -> None:
    with app.test_request_context(), tenancy.system():
        actor = member(task.organization_id, author.id)
        comments.add_comment(
            actor=actor, task=db.session.get(Task, task.id), data=CommentFields(body=body)
        )


def archive(app: Flask, project: Any) -> None:
    with app.app_context(), tenancy.system():
        db.session.get(Project, project.id).archived = True
        db.session.commit()


def make_view(app: Flask, project: Any, owner: Any, **fields: Any) -> Any:
    """A saved view of ``project`` kept by ``owner`` (shared when ``shared=True``)."""
    from taskmanager.savedviews import services as views
    from taskmanager.savedviews.schemas import SavedViewIn
    from tests.factories import detach

    fields.setdefault("name", "A view")
    with app.test_request_context(), tenancy.system():
        actor = member(project.organization_id, owner.id)
        project_row = db.session.get(Project, project.id)
        return detach(
            views.create_view(actor=actor, project=project_row, data=SavedViewIn(**fields))
        )
