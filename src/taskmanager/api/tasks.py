"""Tasks across my organizations, one task, its comments and its history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from apiflask import APIBlueprint
from flask.typing import ResponseReturnValue
from sqlalchemy import inspect

from taskmanager import conditional
from taskmanager.activity import services as activity
from taskmanager.activity.schemas import ActivityOut
from taskmanager.api.bearer import bearer
from taskmanager.api.bearer import who
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
from taskmanager.notifications import watchers
from taskmanager.notifications.watchers import WatchState
from taskmanager.orgs import services as orgs
from taskmanager.orgs.models import Membership
from taskmanager.recurrence.services import shown as recurrence_shown
from taskmanager.schemas import Page
from taskmanager.schemas import PageQuery
from taskmanager.tasks import comments
from taskmanager.tasks import listing
from taskmanager.tasks import reading
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


# TaskOut's fields read straight off a task; the related objects are written out
# below as the plain values their schemas hold.
RELATED = frozenset(
    {"project", "assignee", "labels", "comment_count", "attachment_count", "watching",
     "watcher_count", "checklist", "blocked", "recurrence"}
)  # fmt: skip
COLUMNS = tuple(name for name in TaskOut.model_fields if name not in RELATED)


def task_fields(
    task: Task, comment_count: int, attachment_count: int, watch: WatchState,
    marks: dict[str, Any] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """A task as TaskOut's input: plain values, validated in one pass by the schema."""
    fields = {name: getattr(task, name) for name in COLUMNS}
    project = task.project
    fields["project"] = {"id": project.id, "name": project.name}
    assignee = task.assignee
    fields["assignee"] = (
        None if assignee is None else {"id": assignee.id, "name": assignee.display_name}
    )
    # By name, as read back (Task.labels' order): a created task holds them as given.
    fields["labels"] = [
        {"id": label.id, "name": label.name, "color": label.color}
        for label in sorted(task.labels, key=lambda label: label.name)
    ]
    fields["comment_count"] = comment_count
    fields["attachment_count"] = attachment_count
    fields["watching"] = watch.watching
    fields["watcher_count"] = watch.watcher_count
    fields.update(marks or _marks_of(task))
    fields["recurrence"] = recurrence_shown(task.repeat_rule, task.repeat_zone)
    return fields


def _marks_of(task: Task) -> dict[str, Any]:
    # Loaded with the task (CARD_MARKS), or set on a new one (services.create_task).
    done, total = task.checklist_done, task.checklist_total
    return {"checklist": {"done": done, "total": total}, "blocked": task.blocked}


def tasks_out(found: Sequence[Task]) -> list[dict[str, Any]]:
    """Tasks as the API shows them (TaskOut's fields).

    Comment and attachment counts come with the rows when their query undeferred
    them (``listing.WITH_COUNTS``); otherwise each is fetched for the whole page in one
    query. The same for the card marks (``CARD_MARKS``).
    """
    no_comments = {task.id for task in found if "comment_count" in inspect(task).unloaded}
    no_files = {task.id for task in found if "attachment_count" in inspect(task).unloaded}
    comment_counts = comments.counts(no_comments) if no_comments else {}
    file_counts = attachments.counts(no_files) if no_files else {}
    me = who().id
    unread_watch = [task.id for task in found if "watcher_ids" in inspect(task).unloaded]
    watch = watchers.states(unread_watch, me) if unread_watch else {}
    for task in found:
        if task.id not in watch:
            watch[task.id] = watchers.read_ids(task.watcher_ids, me)
    no_marks = [task.id for task in found if "blocked" in inspect(task).unloaded]
    marks = reading.marks(no_marks) if no_marks else {}
    return [
        task_fields(
            task,
            comment_counts.get(task.id, 0) if task.id in no_comments else task.comment_count,
            file_counts.get(task.id, 0) if task.id in no_files else task.attachment_count,
            watch[task.id],
            marks.get(task.id),
        )
        for task in found
    ]


def task_response(task: Task, status: int = 200) -> tuple[TaskOut, int, dict[str, str]]:
    return TaskOut.model_validate(tasks_out([task])[0]), status, etag(task.version)


def task_page(page: listing.Page, query: ProjectTaskQuery) -> ResponseReturnValue:
    """A page listed with ``rows=True`` (rows of ``reading.COLUMNS``) as the API shows it."""
    body, status, headers = cursor_page_of(
        reading.tasks_out(page.items, who().id), query=query, total=page.total, page=page.page,
        per_page=page.per_page, next_after=page.next_after,
    )  # fmt: skip
    body["total_exact"] = page.total_exact
    return body, status, headers


def _task(task_id: int) -> tuple[Membership, Task]:
    # The membership and the task in one statement (the task's org is the scope).
    return orgs.access_with(user=who(), model=Task, object_id=task_id, options=listing.WITH_COUNTS)


@bp.get("/tasks")
@bp.auth_required(bearer)
@bp.input(TaskQuery, location="query", arg_name="query")
@bp.output(TaskPage)
@bp.doc(
    summary="Tasks across my organizations, filtered and sorted",
    description="Page with `page`, or with `cursor` (keyset: follow `next_cursor`). "
    "With a cursor `page` is null, `total` still counts every match, and Link "
    "offers the first page and the next one. A cursor this server did not issue for "
    "this list and sort, or one sent with `page`, is 422.",
    responses=responses(404, 422, headers=["Link"]),
)
def list_tasks(query: TaskQuery) -> ResponseReturnValue:
    user = who()
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
        rows=True,
    )
    return task_page(page, query)


@bp.get("/tasks/<int:task_id>")
@bp.auth_required(bearer)
@bp.output(TaskOut)
@bp.doc(
    summary="One task (ETag: its version)",
    description="Send `If-None-Match` with the ETag you read: while the task's version is "
    "the same the answer is 304 with no body.",
    responses=responses(304, 404, headers=["ETag"]),
)
def get_task(task_id: int) -> Any:
    found = reading.task_out(user=who(), task_id=task_id)
    version = etag(found["version"])["ETag"]
    if conditional.unchanged(version):
        return conditional.not_modified(version)
    return TaskOut.model_validate(found), 200, {"ETag": version}


@bp.patch("/tasks/<int:task_id>")
@bp.auth_required(bearer)
@bp.input(TaskUpdate, arg_name="data")
@bp.input(IfMatch, location="headers", arg_name="condition")
@bp.output(TaskOut)
@bp.doc(
    summary="Change any subset of fields; move on the board with status + position",
    description="Send `If-Match` with the ETag you read: a stale one answers 412.",
    responses=responses(403, 404, 409, 412, 422, headers=["ETag"]),
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
    return orgs.access_with(user=who(), model=Comment, object_id=comment_id)


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
