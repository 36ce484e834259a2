"""Deleting asks first, labels are edited in place.

Deleting a task, a comment or a label is one click away from losing work, so the
delete buttons open a page that says what goes with it and asks again (a plain page:
it works without JavaScript). The posts that delete are the existing ones.
"""

from __future__ import annotations

from flask import render_template
from flask import url_for
from flask.typing import ResponseReturnValue
from werkzeug import Response

from taskmanager.attachments import services as attachments
from taskmanager.entry import services
from taskmanager.errors import Forbidden
from taskmanager.orgs.workspace import membership
from taskmanager.orgs.workspace import workspace
from taskmanager.policy import Action
from taskmanager.policy import require
from taskmanager.projects import services as projects
from taskmanager.projects.schemas import LabelUpdate
from taskmanager.schemas import parse
from taskmanager.tasks import comments
from taskmanager.tasks import services as tasks
from taskmanager.web import form_action
from taskmanager.web import form_fields


def _confirm(
    *, title: str, consequence: str, action: str, button: str, back: str, quote: str = ""
) -> str:
    me = membership()
    return render_template(
        "entry/confirm_delete.html",
        org=me.organization, title=title, consequence=consequence, action=action,
        button=button, back=back, quote=quote,
    )  # fmt: skip


@workspace.get("/tasks/<int:task_id>/delete")
def confirm_delete_task(task_id: int) -> ResponseReturnValue:
    me = membership()
    task = tasks.get_task(me.organization_id, task_id)
    if not tasks.may_delete(actor=me, task=task):
        require(me.role, Action.DELETE_OWN_TASK)
        raise Forbidden("Members can delete only the tasks they created.")
    said = comments.counts([task.id]).get(task.id, 0)
    files = attachments.counts([task.id]).get(task.id, 0)
    goes = [f"{said} comment{'' if said == 1 else 's'}"] if said else []
    goes += [f"{files} attached file{'' if files == 1 else 's'}"] if files else []
    return _confirm(
        title=f"Delete the task “{task.title}”?",
        consequence=(f"Its {' and '.join(goes)} go with it. " if goes else "")
        + "This cannot be undone; to keep it out of the way instead, mark it done.",
        action=url_for("org.delete_task", task_id=task.id),
        button="Delete task",
        back=url_for("org.task", task_id=task.id),
    )


@workspace.get("/comments/<int:comment_id>/delete")
def confirm_delete_comment(comment_id: int) -> ResponseReturnValue:
    me = membership()
    comment = comments.get_comment(me.organization_id, comment_id)
    comments.require_may_change(me, comment)
    return _confirm(
        title="Delete this comment?",
        consequence="It disappears from the task for everyone. This cannot be undone.",
        action=url_for("org.delete_comment", comment_id=comment.id),
        button="Delete comment",
        back=url_for("org.task", task_id=comment.task_id) + f"#comment-{comment.id}",
        quote=comment.body,
    )


@workspace.get("/labels/<int:label_id>/delete")
def confirm_delete_label(label_id: int) -> ResponseReturnValue:
    me = membership()
    # Found first: another organization's label is 404 whatever the role, then 403.
    label = projects.get_label(me.organization_id, label_id)
    require(me.role, Action.MANAGE_LABELS)
    used = services.label_use(label)
    return _confirm(
        title=f"Delete the label “{label.name}”?",
        consequence=(
            f"It comes off {used} task{'' if used == 1 else 's'}; the tasks themselves stay. "
            if used
            else "No task has it. "
        )
        + "To change its name or colour instead, edit it on the organization page.",
        action=url_for("org.delete_label", label_id=label.id),
        button="Delete label",
        back=url_for("org.home") + "#labels",
    )


@workspace.post("/labels/<int:label_id>/edit")
def edit_label(label_id: int) -> Response:
    me = membership()
    label = projects.get_label(me.organization_id, label_id)
    sent = form_fields("name", "color")
    return form_action(
        lambda: projects.update_label(actor=me, label=label, data=parse(LabelUpdate, sent)),
        success="Label saved.",
        back=url_for("org.home") + "#labels",
    )
