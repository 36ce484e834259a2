"""Tasks across my organizations, one task, its comments and its history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from apiflask import APIBlueprint
from flask.typing import ResponseReturnValue

from taskmanager.activity import services as activity
from taskmanager.activity.schemas import ActivityOut
from taskmanager.api.bearer import bearer
from taskmanager.api.bearer import caller
from taskmanager.api.http import created
from taskmanager.api.http import cursor_page_of
from taskmanager.api.http import etag
from taskmanager.api.http import if_match
from taskmanager.api.http import page_of
from taskmanager.api.http import paged
from taskmanager.api.http import read_cursor
from taskmanager.api.http import responses
from taskmanager.api.schemas import IfMatch
from taskmanager.attachments import services as attachments
from taskmanager.orgs import services as orgs
from taskmanager.orgs.models import Membership
from taskmanager.schemas import Page
from taskmanager.schemas import PageQuery
from taskmanager.tasks import comments
from taskmanager.tasks import listing
from taskmanager.tasks import services
from taskmanager.tasks.models import Comment
from taskmanager.tasks.models import Task
from taskmanager.tasks.schemas import CommentFields
from taskmanager.tasks.schemas import CommentOut
from taskmanager.tasks.schemas import ProjectTaskQuery
from taskmanager.tasks.schemas import TaskOut
from taskmanager.tasks.schemas import TaskPage
from taskmanager.tasks.schemas import TaskQuery
from taskmanager.tasks.schemas import TaskUpdate

bp = APIBlueprint("api_tasks", __name__, url_prefix="/api/v1", tag="Tasks")


def tasks_out(found: Sequence[Task]) -> list[TaskOut]:
    """Tasks as the API shows them, their comment and attachment counts in a query each."""
    counts = comments.counts(task.id for task in found)
    files = attachments.counts(task.id for task in found)
    out = []
    for task in found:
        fields = {
            name: getattr(task, name)
            for name in TaskOut.model_fields
            if name not in ("comment_count", "attachment_count")
        }
        fields["comment_count"] = counts.get(task.id, 0)
        fields["attachment_count"] = files.get(task.id, 0)
        out.append(TaskOut.model_validate(fields))
    return out


def task_response(task: Task, status: int = 200) -> tuple[TaskOut, int, dict[str, str]]:
    return tasks_out([task])[0], status, etag(task.version)


def task_page(page: listing.Page, query: ProjectTaskQuery) -> ResponseReturnValue:
    return cursor_page_of(
        tasks_out(page.items), query=query, total=page.total, page=page.page,
        per_page=page.per_page, next_after=page.next_after,
    )  # fmt: skip


def _task(task_id: int) -> tuple[Membership, Task]:
    me = orgs.access_for(user=caller(), model=Task, object_id=task_id)
    return me, services.get_task(me.organization_id, task_id)


@bp.get("/tasks")
@bp.auth_required(bearer)
@bp.input(TaskQuery, location="query", arg_name="query")
@bp.output(TaskPage)
@bp.doc(
    summary="Tasks across my organizations, filtered and sorted",
    description="Page with `page`, or with `cursor` (keyset: follow `next_cursor`). "
    "With a cursor `page` is null, `total` still counts every match, and Link "
    "offers the first page and the next one.",
    responses=responses(404, headers=["Link"]),
)
def list_tasks(query: TaskQuery) -> ResponseReturnValue:
    user = caller()
    if query.org_id is not None:
        org_ids = [orgs.access(user=user, org_id=query.org_id).organization_id]
    else:
        org_ids = [m.organization_id for m in orgs.enter_all(user=user)]
    page = listing.search_tasks(
        organization_ids=org_ids,
        project_id=query.project_id,
        filters=listing.filters_from(query, user=user),
        page=query.page,
        per_page=query.per_page,
        after=read_cursor(query),
    )
    return task_page(page, query)


@bp.get("/tasks/<int:task_id>")
@bp.auth_required(bearer)
@bp.output(TaskOut)
@bp.doc(summary="One task (ETag: its version)", responses=responses(404, headers=["ETag"]))
def get_task(task_id: int) -> Any:
    return task_response(_task(task_id)[1])


@bp.patch("/tasks/<int:task_id>")
@bp.auth_required(bearer)
@bp.input(TaskUpdate, arg_name="data")
@bp.input(IfMatch, location="headers", arg_name="condition")
@bp.output(TaskOut)
@bp.doc(
    summary="Change any subset of fields; move on the board with status + position",
    description="Send `If-Match` with the ETag you read: a stale one answers 412.",
    responses=responses(403, 404, 409, 412, headers=["ETag"]),
)
def update_task(task_id: int, data: TaskUpdate, condition: IfMatch) -> Any:
    me, task = _task(task_id)
    expected = if_match(condition.if_match)
    services.update_task(actor=me, task=task, data=data, expected_version=expected)
    return task_response(task)


@bp.delete("/tasks/<int:task_id>")
@bp.auth_required(bearer)
@bp.input(IfMatch, location="headers", arg_name="condition")
@bp.output({}, status_code=204)
@bp.doc(summary="Delete a task", responses=responses(403, 404, 412))
def delete_task(task_id: int, condition: IfMatch) -> tuple[str, int]:
    me, task = _task(task_id)
    expected = if_match(condition.if_match)
    services.delete_task(actor=me, task=task, expected_version=expected)
    return "", 204


@bp.get("/tasks/<int:task_id>/comments")
@bp.auth_required(bearer)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(Page[CommentOut])
@bp.doc(summary="A task's comments, oldest first", responses=responses(404, headers=["Link"]))
def list_comments(task_id: int, query: PageQuery) -> ResponseReturnValue:
    return paged(
        comments.comments_query(_task(task_id)[1]), page=query.page, per_page=query.per_page,
        out=CommentOut.model_validate,
    )  # fmt: skip


@bp.post("/tasks/<int:task_id>/comments")
@bp.auth_required(bearer)
@bp.input(CommentFields, arg_name="data")
@bp.output(CommentOut, status_code=201)
@bp.doc(
    summary="Comment on a task",
    responses=responses(403, 404, status=201, headers=["ETag", "Location"]),
)
def add_comment(task_id: int, data: CommentFields) -> Any:
    me, task = _task(task_id)
    comment = comments.add_comment(actor=me, task=task, data=data)
    return comment, 201, {**etag(comment.version), **created(f"/api/v1/comments/{comment.id}")}


def _comment(comment_id: int) -> tuple[Membership, Comment]:
    me = orgs.access_for(user=caller(), model=Comment, object_id=comment_id)
    return me, comments.get_comment(me.organization_id, comment_id)


@bp.patch("/comments/<int:comment_id>")
@bp.auth_required(bearer)
@bp.input(CommentFields, arg_name="data")
@bp.input(IfMatch, location="headers", arg_name="condition")
@bp.output(CommentOut)
@bp.doc(
    summary="Edit a comment (its author, or an admin)",
    description="Send `If-Match` with the ETag you read: a stale one answers 412.",
    responses=responses(403, 404, 412, headers=["ETag"]),
)
def update_comment(comment_id: int, data: CommentFields, condition: IfMatch) -> Any:
    me, comment = _comment(comment_id)
    expected = if_match(condition.if_match)
    comments.update_comment(actor=me, comment=comment, data=data, expected_version=expected)
    return comment, 200, etag(comment.version)


@bp.delete("/comments/<int:comment_id>")
@bp.auth_required(bearer)
@bp.input(IfMatch, location="headers", arg_name="condition")
@bp.output({}, status_code=204)
@bp.doc(
    summary="Delete a comment (its author, or an admin)",
    responses=responses(403, 404, 412),
)
def delete_comment(comment_id: int, condition: IfMatch) -> tuple[str, int]:
    me, comment = _comment(comment_id)
    expected = if_match(condition.if_match)
    comments.delete_comment(actor=me, comment=comment, expected_version=expected)
    return "", 204


@bp.get("/tasks/<int:task_id>/activity")
@bp.auth_required(bearer)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(Page[ActivityOut])
@bp.doc(summary="A task's history, newest first", responses=responses(404, headers=["Link"]))
def task_activity(task_id: int, query: PageQuery) -> ResponseReturnValue:
    task = _task(task_id)[1]
    page = activity.page_for_task(task.id, page=query.page, per_page=query.per_page)
    items = [ActivityOut.model_validate(e) for e in page.items]
    return page_of(items, total=page.total, page=query.page, per_page=query.per_page)
