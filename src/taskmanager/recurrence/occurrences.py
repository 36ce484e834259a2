"""The next occurrence of a repeating task: made once, however often it is asked for.

A completed occurrence is advanced by a job enqueued after the completion commits
(hooks.task_completed) and, should that job never run, by the beat sweep. Both call
``advance``, which claims the series with a compare-and-set on its row
(``current_task_id`` from the done task to nothing) before making anything: of two
deliveries, or a delivery and the sweep, exactly one sees its claim succeed. The
loser changes nothing.

The next due date is the rule's first occurrence after both the done occurrence's
due date and now: finishing early does not make the next one due at once, and
finishing late skips the days already gone rather than making a backlog of them.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update

from taskmanager.accounts.models import User
from taskmanager.activity import services as activity
from taskmanager.checklists.models import ChecklistItem
from taskmanager.db import utcnow
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.notifications import services as notify
from taskmanager.projects.models import Project
from taskmanager.recurrence import rules
from taskmanager.recurrence.models import TaskSeries
from taskmanager.tasks import services as tasks
from taskmanager.tasks.models import Status
from taskmanager.tasks.models import Task
from taskmanager.tasks.schemas import TaskCreate

LAST_YEAR = 2100  # due dates past this are refused (tasks/schemas.py): the series ends


def stalled(limit: int = 500) -> list[int]:
    """Done occurrences whose next was never made (the job was lost), oldest first.

    Archived projects wait: nothing is added to them until they are unarchived.
    """
    return list(
        db.session.scalars(
            select(Task.id)
            .join(TaskSeries, TaskSeries.current_task_id == Task.id)
            .join(Project, Project.id == Task.project_id)
            .where(Task.status == Status.DONE.value, Project.archived.is_(False))
            .order_by(Task.completed_at, Task.id)
            .limit(limit)
        )
    )


def _claim(series: TaskSeries, done: Task) -> bool:
    """Take the series off ``done``; False when another delivery already did."""
    claimed = db.session.execute(
        update(TaskSeries)
        .where(TaskSeries.id == series.id, TaskSeries.current_task_id == done.id)
        .values(current_task_id=None, made=TaskSeries.made + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1  # type: ignore[attr-defined]


def _copy(done: Task, due_at: datetime) -> Task:
    """The next occurrence: ``done``'s title, text, priority, people and labels, due anew."""
    fields = {
        "title": done.title, "description": done.description, "priority": done.priority,
        "due_at": due_at, "label_ids": [label.id for label in done.labels],
    }  # fmt: skip
    try:
        data = TaskCreate(assignee_id=done.assignee_id, **fields)
        return tasks.build_task(project=done.project, data=data, created_by_id=done.created_by_id)
    except ValidationFailed:  # the assignee left the organization
        data = TaskCreate(**fields)
        return tasks.build_task(project=done.project, data=data, created_by_id=done.created_by_id)


def _copy_checklist(done: Task, new: Task) -> None:
    items = db.session.scalars(
        select(ChecklistItem)
        .where(ChecklistItem.task_id == done.id)
        .order_by(ChecklistItem.position)
    )
    for item in items:
        copy = ChecklistItem(
            organization_id=new.organization_id, task_id=new.id, title=item.title,
            position=item.position, assignee_id=item.assignee_id,
        )  # fmt: skip
        db.session.add(copy)


def advance(*, task_id: int, actor: User | None = None, now: datetime | None = None) -> Task | None:
    """Make the occurrence after ``task_id``, once; the caller's scope must see it.

    Returns the new task, or None when there is nothing to make: the task is not done
    (it was reopened), does not repeat, was advanced already, sits in an archived
    project, or its rule has ended (then the series ends too, in the history).
    """
    series = db.session.scalar(select(TaskSeries).where(TaskSeries.current_task_id == task_id))
    done = db.session.get(Task, task_id)
    if series is None or done is None or done.status != Status.DONE or done.project.archived:
        return None
    zone = ZoneInfo(series.timezone)
    moment = rules.local(now or utcnow(), zone)
    after = max(rules.local(done.due_at, zone), moment) if done.due_at else moment
    wall = rules.next_after(rules.parse(series.rule), start=series.starts_at, after=after)
    if not _claim(series, done):
        db.session.rollback()
        return None
    if wall is None or wall.year > LAST_YEAR:
        db.session.execute(
            delete(TaskSeries)
            .where(TaskSeries.id == series.id)
            .execution_options(synchronize_session=False)
        )
        activity.record(
            organization_id=done.organization_id, actor=actor, verb="task.repeat_ended",
            subject_type="task", subject_id=done.id, subject_title=done.title, task_id=done.id,
        )  # fmt: skip
        db.session.commit()
        return None
    new = _copy(done, rules.placed(wall, zone))
    db.session.flush()
    db.session.execute(
        update(TaskSeries)
        .where(TaskSeries.id == series.id)
        .values(current_task_id=new.id)
        .execution_options(synchronize_session=False)
    )
    _copy_checklist(done, new)
    activity.record(
        organization_id=new.organization_id, actor=actor, verb="task.repeated",
        subject_type="task", subject_id=new.id, subject_title=new.title, task_id=new.id,
        changes={"due_at": [None, new.due_at.isoformat() if new.due_at else None]},
    )  # fmt: skip
    activity.record(
        organization_id=done.organization_id, actor=actor, verb="task.next_occurrence",
        subject_type="task", subject_id=new.id, subject_title=new.title, task_id=done.id,
        changes={"due_at": [None, new.due_at.isoformat() if new.due_at else None]},
    )  # fmt: skip
    author = actor or done.created_by
    if author is not None:
        notify.task_created(task=new, actor=author)
    db.session.commit()
    return new
