"""My notifications, and following a task, through the API.

Listing does not mark anything read (a client may poll); marking is explicit.
"""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask.typing import ResponseReturnValue

from taskmanager import links
from taskmanager.api.bearer import bearer
from taskmanager.api.bearer import caller
from taskmanager.api.bearer import who
from taskmanager.api.http import page_of
from taskmanager.api.http import responses
from taskmanager.notifications import inbox
from taskmanager.notifications import watchers
from taskmanager.notifications.inbox import Item
from taskmanager.notifications.schemas import MarkedRead
from taskmanager.notifications.schemas import NotificationOut
from taskmanager.notifications.schemas import NotificationPage
from taskmanager.notifications.schemas import NotificationQuery
from taskmanager.notifications.schemas import WatchOut
from taskmanager.orgs import services as orgs
from taskmanager.tasks.models import Task

bp = APIBlueprint("api_notifications", __name__, url_prefix="/api/v1", tag="Notifications")


def _out(item: Item) -> NotificationOut:
    task_id = item.notification.task_id
    return NotificationOut.of(item, links.external("org.task", slug=item.org_slug, task_id=task_id))


@bp.get("/notifications")
@bp.auth_required(bearer)
@bp.input(NotificationQuery, location="query", arg_name="query")
@bp.output(NotificationPage)
@bp.doc(
    summary="My notifications, newest first",
    description="Assignments, mentions, comments on and completion of tasks I follow, "
    "due-soon reminders and unblocked tasks, in the organizations I belong to. "
    "`unread=true` lists only the unread ones; `unread` in the answer counts them all. "
    "Reading the list marks nothing read.",
    responses=responses(headers=["Link"]),
)
def list_notifications(query: NotificationQuery) -> ResponseReturnValue:
    found = inbox.look(
        user=who(), page=query.page, per_page=query.per_page, unread_only=query.unread
    )
    body, status, headers = page_of(
        [_out(item) for item in found.items], total=found.total, page=query.page,
        per_page=query.per_page,
    )  # fmt: skip
    return {**body, "unread": found.unread}, status, headers


@bp.post("/notifications/<int:notification_id>/read")
@bp.auth_required(bearer)
@bp.output(NotificationOut)
@bp.doc(summary="Mark one notification read", responses=responses(404))
def mark_read(notification_id: int) -> Any:
    return _out(inbox.mark_read(user=caller(), notification_id=notification_id))


@bp.post("/notifications/read")
@bp.auth_required(bearer)
@bp.output(MarkedRead)
@bp.doc(summary="Mark all my notifications read")
def mark_all_read() -> Any:
    return MarkedRead(marked=inbox.mark_all_read(user=caller()), unread=0)


def _watch(task_id: int, watching: bool | None) -> WatchOut:
    me, task = orgs.access_with(user=caller(), model=Task, object_id=task_id)
    if watching is None:
        state = watchers.state(task=task, user=me.user)
    else:
        state = watchers.set_watching(actor=me, task=task, watching=watching)
    return WatchOut(task_id=task.id, watching=state.watching, watcher_count=state.watcher_count)


@bp.get("/tasks/<int:task_id>/watch")
@bp.auth_required(bearer)
@bp.output(WatchOut)
@bp.doc(summary="Whether I follow a task", tags=["Tasks"], responses=responses(404))
def get_watch(task_id: int) -> Any:
    return _watch(task_id, None)


@bp.put("/tasks/<int:task_id>/watch")
@bp.auth_required(bearer)
@bp.output(WatchOut)
@bp.doc(
    summary="Follow a task",
    description="Comments on it and its completion notify me (in the list, and by email "
    "if my `notify_watching` preference is on). Following twice changes nothing.",
    tags=["Tasks"],
    responses=responses(404),
)
def watch(task_id: int) -> Any:
    return _watch(task_id, True)


@bp.delete("/tasks/<int:task_id>/watch")
@bp.auth_required(bearer)
@bp.output(WatchOut)
@bp.doc(summary="Stop following a task", tags=["Tasks"], responses=responses(404))
def unwatch(task_id: int) -> Any:
    return _watch(task_id, False)
