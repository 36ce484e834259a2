"""Following a task: who hears about its comments and its completion.

The creator, the assignee and everyone who comments follow a task by default; anyone
who can see it may follow or unfollow it. Only current members of the task's
organization count as watchers: a removed member stops hearing at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select

from taskmanager.accounts.models import User
from taskmanager.extensions import db
from taskmanager.notifications.models import TaskWatcher
from taskmanager.orgs import services as orgs
from taskmanager.orgs.models import Membership
from taskmanager.policy import Action
from taskmanager.policy import require
from taskmanager.tasks.models import Task


@dataclass(frozen=True)
class WatchState:
    watching: bool
    watcher_count: int


def follow(*, task: Task, user_ids: Iterable[int | None], new: bool = False) -> None:
    """Make the users ``user_ids`` name follow ``task``, in the caller's transaction
    (no commit); None in ``user_ids`` is nobody.

    ``new`` says the task is being created (it may not even have an id yet), so
    nobody follows it yet and no query is needed to find out.
    """
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return
    if not new:
        wanted -= set(
            db.session.scalars(
                select(TaskWatcher.user_id).where(
                    TaskWatcher.task_id == task.id, TaskWatcher.user_id.in_(wanted)
                )
            )
        )
    for user_id in sorted(wanted):
        # By the relationship: a task not flushed yet gets its id, then its watchers.
        db.session.add(
            TaskWatcher(organization_id=task.organization_id, task=task, user_id=user_id)
        )


def written_ids(user_ids: Iterable[int | None]) -> str:
    """The ``watcher_ids`` column ("3,8") of a task that exactly these users follow.

    For the answer about a new task, which needs no query to say who follows it.
    """
    return ",".join(str(i) for i in sorted({i for i in user_ids if i is not None}))


def watchers_of(task: Task) -> list[User]:
    """The members following ``task``."""
    query = (
        select(User)
        .join(TaskWatcher, TaskWatcher.user_id == User.id)
        .join(Membership, orgs.member_join(TaskWatcher.organization_id, User.id))
        .where(TaskWatcher.task_id == task.id)
        .order_by(User.id)
    )
    return list(db.session.scalars(query))


def states(task_ids: Iterable[int], user_id: int) -> dict[int, WatchState]:
    """Whether ``user_id`` follows each task, and how many members do, in one query."""
    ids = list(task_ids)
    if not ids:
        return {}
    mine = func.max(case((TaskWatcher.user_id == user_id, 1), else_=0))
    query = (
        select(TaskWatcher.task_id, func.count(), mine)
        .join(Membership, orgs.member_join(TaskWatcher.organization_id, TaskWatcher.user_id))
        .where(TaskWatcher.task_id.in_(ids))
        .group_by(TaskWatcher.task_id)
    )
    found = {
        task_id: WatchState(bool(me), count) for task_id, count, me in db.session.execute(query)
    }
    return {task_id: found.get(task_id, WatchState(False, 0)) for task_id in ids}


def read_ids(watcher_ids: str | None, user_id: int) -> WatchState:
    """A task's ``watcher_ids`` column ("3,8,12") as the state ``user_id`` sees."""
    ids = {int(text) for text in (watcher_ids or "").split(",") if text}
    return WatchState(user_id in ids, len(ids))


def state(*, task: Task, user: User) -> WatchState:
    return states([task.id], user.id)[task.id]


def set_watching(*, actor: Membership, task: Task, watching: bool) -> WatchState:
    """Follow or unfollow ``task`` as ``actor``; doing it twice changes nothing.

    Anyone who may see the task may follow it (viewers too).
    """
    require(actor.role, Action.VIEW)
    current = db.session.get(TaskWatcher, (task.id, actor.user_id))
    if watching and current is None:
        db.session.add(
            TaskWatcher(
                organization_id=task.organization_id, task_id=task.id, user_id=actor.user_id
            )
        )
    elif not watching and current is not None:
        db.session.delete(current)
    db.session.commit()
    return state(task=task, user=actor.user)
