"""A new task written in one statement: its row, its labels, its followers, its history.

Through the unit of work a new task took four statements (the column's last key, the
task, its followers, the history entry) and two flushes, the costliest part of the
API's most frequent write (bench P4). On PostgreSQL it is one: an ``INSERT ... SELECT``
that computes the board position from the column's last key, and data-modifying CTEs
that insert the task's labels, followers and history entry from the row it returned.
The task is then put in the session as if it had been loaded, with what the answer
shows, so nothing is read back.

The rules (defaults, an archived project, assignees and labels of the organization)
are not here: ``rules.new_task`` checks them for every way of making a task, and
``services.build_task`` is the unit-of-work path, kept for other databases, for the
callers that add many tasks, and for a column whose keys have run out.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import cast

from sqlalchemy import JSON
from sqlalchemy import Integer
from sqlalchemy import Select
from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from taskmanager.accounts.models import User
from taskmanager.activity.models import ActivityEvent
from taskmanager.extensions import db
from taskmanager.notifications import watchers
from taskmanager.notifications.models import TaskWatcher
from taskmanager.projects.models import Label
from taskmanager.projects.models import Project
from taskmanager.tasks.models import Task
from taskmanager.tasks.models import task_labels
from taskmanager.tasks.ordering import CEILING
from taskmanager.tasks.ordering import GAP
from taskmanager.webhooks import events as webhooks

VERB = "task.created"
# The row's columns a new task is given (its id and position come from the statement).
COLUMNS = (
    "organization_id", "project_id", "title", "description", "status", "priority", "due_at",
    "assignee_id", "created_by_id", "completed_at", "reminded_at", "assigned_at", "version",
    "created_at", "updated_at",
)  # fmt: skip
# What a new task has, without a query to say so: no comments nor files, no
# checklist, nothing blocking it, no repeat rule.
NEW_TASK_MARKS = {
    "comment_count": 0, "attachment_count": 0, "checklist_done": 0, "checklist_total": 0,
    "blocked": False, "repeat_rule": None, "repeat_zone": None,
}  # fmt: skip


@dataclass
class NewTask:
    """A task checked and ready to write: its columns (all of ``COLUMNS``), its assignee
    and labels as rows, and who follows it first (None: nobody)."""

    row: dict[str, Any]
    assignee: User | None
    labels: list[Label] = field(default_factory=list)
    followers: list[int | None] = field(default_factory=list)


@functools.cache
def _statement() -> Select[Any]:
    tasks = cast(Table, Task.__table__)
    highest = func.max(tasks.c.position)
    # The key after the column's last card, as ordering.next_position gives it. A
    # column whose keys have run out selects no row, so nothing at all is written and
    # the caller makes room the long way.
    row = (
        select(
            *(bindparam(name, type_=tasks.c[name].type) for name in COLUMNS),
            func.coalesce(highest + GAP, 0),
        )
        .where(
            tasks.c.project_id == bindparam("project_id"),
            tasks.c.status == bindparam("status"),
            tasks.c.organization_id == bindparam("organization_id"),
        )
        .having(or_(highest.is_(None), highest <= CEILING - GAP))
    )
    new = (
        insert(tasks)
        .from_select([*COLUMNS, "position"], row)
        .returning(tasks.c.id, tasks.c.position)
        .cte("new_task")
    )
    # unnest() in the select list: one row per label (per follower), none for none.
    label = func.unnest(bindparam("label_ids", type_=ARRAY(Integer)))
    labelled = insert(task_labels).from_select(["task_id", "label_id"], select(new.c.id, label))
    follower = func.unnest(bindparam("followers", type_=ARRAY(Integer)))
    watchers = cast(Table, TaskWatcher.__table__)
    followed = insert(watchers).from_select(
        ["task_id", "user_id", "created_at", "organization_id"],
        select(
            new.c.id,
            follower,
            bindparam("created_at", type_=watchers.c.created_at.type),
            bindparam("organization_id", type_=watchers.c.organization_id.type),
        ),
    )
    events = cast(Table, ActivityEvent.__table__)
    history = (
        insert(events)
        .from_select(
            [
                "organization_id",
                "actor_id",
                "verb",
                "subject_type",
                "subject_id",
                "subject_title",
                "task_id",
                "changes",
                "created_at",
            ],
            select(
                bindparam("organization_id", type_=events.c.organization_id.type),
                bindparam("actor_id", type_=events.c.actor_id.type),
                literal(VERB, events.c.verb.type),
                literal("task", events.c.subject_type.type),
                new.c.id,
                bindparam("subject_title", type_=events.c.subject_title.type),
                new.c.id,
                bindparam("changes", type_=JSON),
                bindparam("created_at", type_=events.c.created_at.type),
            ).select_from(new),
        )
        .returning(events.c.id)
        .cte("history")
    )
    return (
        select(new.c.id, new.c.position, history.c.id)
        .select_from(new.join(history, true()))
        .add_cte(labelled.cte("labelled"), followed.cte("followed"))
    )


def insert_task(*, project: Project, new: NewTask, actor: User) -> Task | None:
    """Write ``new`` with its labels, followers and ``task.created`` history entry.

    Returns the task, in the session and loaded as the answer shows it; None, with
    nothing written, on a database other than PostgreSQL or in a column whose keys have
    run out (the caller then takes the unit-of-work path). Webhook deliveries of the
    history entry are queued as the flush of an entry would queue them.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return None
    # The statement runs on the connection, past the session's autoflush: a change
    # still pending in the session (a card moved in this column) must be written first.
    db.session.flush()
    row = new.row
    followers = sorted({user_id for user_id in new.followers if user_id is not None})
    found = (
        db.session.connection()
        .execute(
            _statement(),
            {
                **row,
                "label_ids": [label.id for label in new.labels],
                "followers": followers,
                "actor_id": actor.id,
                "subject_title": row["title"][:200],
                "changes": {},
            },
        )
        .first()
    )
    if found is None:
        return None
    task_id, position, event_id = found
    task = Task(**row, id=task_id, position=position)
    make_transient_to_detached(task)  # persistent once added: nothing to flush
    db.session.add(task)
    # What make_transient_to_detached left unloaded, as a new task has it: no query.
    for name, value in (
        *NEW_TASK_MARKS.items(), ("project", project), ("assignee", new.assignee),
        ("labels", new.labels), ("watcher_ids", watchers.written_ids(followers)),
    ):  # fmt: skip
        set_committed_value(task, name, value)
    if row["created_by_id"] == actor.id:
        set_committed_value(task, "created_by", actor)
    session = db.session()
    if webhooks.may_have_webhooks(session, row["organization_id"]):
        entry = ActivityEvent(
            id=event_id, organization_id=row["organization_id"], actor_id=actor.id, verb=VERB,
            subject_type="task", subject_id=task_id, subject_title=row["title"][:200],
            task_id=task_id, changes={}, created_at=row["created_at"],
        )  # fmt: skip
        webhooks.queue_deliveries(session, [entry])
    return task
