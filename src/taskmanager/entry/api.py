"""Quick-add in the API: the same line of text the project page's box takes.

Added to the projects blueprint (next to "Create a task"), so the document keeps
one "Projects" tag.
"""

from __future__ import annotations

from typing import Any

from taskmanager.api.bearer import bearer
from taskmanager.api.bearer import caller
from taskmanager.api.http import created
from taskmanager.api.http import responses
from taskmanager.api.projects import bp
from taskmanager.api.tasks import task_response
from taskmanager.db import loaded_after_commit
from taskmanager.entry import services
from taskmanager.entry.schemas import QuickAddIn
from taskmanager.extensions import db
from taskmanager.orgs import services as orgs
from taskmanager.projects.models import Project
from taskmanager.tasks.schemas import TaskOut


@bp.post("/projects/<int:project_id>/tasks/quick")
@bp.auth_required(bearer)
@bp.input(QuickAddIn, arg_name="data")
@bp.output(TaskOut, status_code=201)
@bp.doc(
    summary="Create a task from one line of text",
    description="`Fix login !high #bug @ana tomorrow` is a task titled `Fix login`, "
    "priority high, labelled bug, assigned to the member whose name or email starts "
    "with ana, due at the end of tomorrow in your profile's time zone. An unknown "
    "`@name` or an ambiguous one is a 400 naming it; an unknown `#label` is created "
    "for admins and owners and a 400 for others.",
    responses=responses(403, 404, 409, 422, status=201, headers=["ETag", "Location"]),
)
def quick_add(project_id: int, data: QuickAddIn) -> Any:
    me, project = orgs.access_with(user=caller(), model=Project, object_id=project_id)
    with loaded_after_commit(db.session()):
        task = services.quick_add(actor=me, project=project, data=data)
    body, _, headers = task_response(task, 201)
    return body, 201, {**headers, **created(f"/api/v1/tasks/{task.id}")}
