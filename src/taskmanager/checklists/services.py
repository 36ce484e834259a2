"""Checklists: add, change, tick, reorder, delete items, and turn one into a task.

Pages and the API call these same functions; each is one transaction and lands in
the task's history. A task's items are numbered 0, 1, 2... without gaps; the task's
row is locked while they are renumbered or counted, so two people adding at once
can neither share a position nor pass the limit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy import select

from taskmanager.accounts.models import User
from taskmanager.activity import services as activity
from taskmanager.checklists.models import ChecklistItem
from taskmanager.checklists.schemas import MAX_ITEMS
from taskmanager.checklists.schemas import ChecklistItemCreate
from taskmanager.checklists.schemas import ChecklistItemUpdate
from taskmanager.concurrency import check_version
from taskmanager.duedates import END_OF_DAY
from taskmanager.errors import Conflict
from taskmanager.errors import NotFound
from taskmanager.errors import Unprocessable
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.notifications import services as notify
from taskmanager.orgs.models import Membership
from taskmanager.policy import Action
from taskmanager.policy import require
from taskmanager.tasks import rules
from taskmanager.tasks import services as tasks
from taskmanager.tasks.models import Task
from taskmanager.tasks.schemas import TaskCreate


def items_of(task: Task) -> list[ChecklistItem]:
    """A task's checklist in order."""
    query = (
        select(ChecklistItem)
        .where(ChecklistItem.task_id == task.id)
        .order_by(ChecklistItem.position, ChecklistItem.id)
    )
    return list(db.session.scalars(query))


def get_item(organization_id: int, item_id: int) -> ChecklistItem:
    item = db.session.get(ChecklistItem, item_id)
    if item is None or item.organization_id != organization_id:
        raise NotFound("No such checklist item.")
    return item


def origin_of(task: Task) -> ChecklistItem | None:
    """The checklist item ``task`` was converted from, if any."""
    return db.session.scalar(
        select(ChecklistItem).where(ChecklistItem.converted_task_id == task.id).limit(1)
    )


def _lock(task: Task) -> None:
    # The task's row guards its checklist: counting and renumbering wait their turn.
    db.session.execute(select(Task.id).where(Task.id == task.id).with_for_update()).all()


def _assignee(organization_id: int, user_id: int | None) -> User | None:
    try:
        return rules.assignee_in(organization_id, user_id)
    except ValidationFailed:
        raise Unprocessable(
            details={"assignee_id": "Pick a member of this organization, or nobody."}
        ) from None


def _record(actor: Membership, item: ChecklistItem, verb: str, **changes: list[Any]) -> None:
    activity.record(
        organization_id=item.organization_id, actor=actor.user, verb=verb,
        subject_type="checklist_item", subject_id=item.id, subject_title=item.title,
        task_id=item.task_id, changes=changes or None,
    )  # fmt: skip


def add_item(*, actor: Membership, task: Task, data: ChecklistItemCreate) -> ChecklistItem:
    """Add an item at the end of the task's checklist (or at ``data.position``).

    Raises:
        Conflict: the checklist already holds MAX_ITEMS items.
        ValidationFailed: an assignee from outside the organization.
    """
    require(actor.role, Action.EDIT_CHECKLISTS)
    _lock(task)
    count = (
        db.session.scalar(
            select(func.count(ChecklistItem.id)).where(ChecklistItem.task_id == task.id)
        )
        or 0
    )
    if count >= MAX_ITEMS:
        raise Conflict(
            f"A checklist holds at most {MAX_ITEMS} items. Convert some into tasks, or "
            "delete the ones you no longer need."
        )
    item = ChecklistItem(
        organization_id=task.organization_id, task_id=task.id, title=data.title,
        position=count, due_on=data.due_on, done=bool(data.done),
    )  # fmt: skip
    item.assignee = _assignee(task.organization_id, data.assignee_id)
    db.session.add(item)
    db.session.flush()
    if data.position is not None and data.position < count:
        _place(item, data.position)
    _record(actor, item, "checklist.added")
    db.session.commit()
    return item


def _place(item: ChecklistItem, position: int) -> None:
    """Put ``item`` at ``position`` in its checklist and renumber the others."""
    others = [
        other
        for other in db.session.scalars(
            select(ChecklistItem)
            .where(ChecklistItem.task_id == item.task_id)
            .order_by(ChecklistItem.position, ChecklistItem.id)
        )
        if other.id != item.id
    ]
    others.insert(min(position, len(others)), item)
    for number, member in enumerate(others):
        if member.position != number:
            member.position = number


def _shown(value: Any) -> Any:
    if isinstance(value, User):
        return value.display_name
    return value.isoformat() if hasattr(value, "isoformat") else value


def update_item(
    *, actor: Membership, item: ChecklistItem, data: ChecklistItemUpdate,
    expected_version: int | None = None,
) -> ChecklistItem:  # fmt: skip
    """Apply the fields present in ``data``: retitle, tick or untick, assign, date, move.

    Ticking alone is recorded as "checked"/"unchecked"; other changes old -> new. A
    change bumps the item's version; renumbering around it (another item moved or
    deleted) does not.

    Raises:
        StaleVersion: ``expected_version`` is not the item's current version.
        ValidationFailed: an assignee from outside the organization, or a null title.
    """
    require(actor.role, Action.EDIT_CHECKLISTS)
    sent = data.model_dump(exclude_unset=True)
    if "title" in sent and sent["title"] is None:
        raise ValidationFailed(details={"title": "Name the checklist item."})
    if sent.get("done") is None:
        sent.pop("done", None)
    task = item.task
    _lock(task)
    db.session.refresh(item)
    check_version(item, expected_version, noun="checklist item")
    changes: dict[str, list[Any]] = {}
    if "assignee_id" in sent:
        new_assignee = _assignee(item.organization_id, sent.pop("assignee_id"))
        if (new_assignee and new_assignee.id) != item.assignee_id:
            changes["assignee"] = [_shown(item.assignee), _shown(new_assignee)]
            item.assignee = new_assignee
    position = sent.pop("position", None)
    for name, value in sent.items():
        if getattr(item, name) != value:
            changes[name] = [_shown(getattr(item, name)), _shown(value)]
            setattr(item, name, value)
    if position is not None and position != item.position:
        old = item.position
        _place(item, position)
        if item.position != old:
            changes["position"] = [old, item.position]
    if changes:
        item.version += 1
        if set(changes) == {"done"}:
            _record(actor, item, "checklist.checked" if item.done else "checklist.unchecked")
        else:
            _record(actor, item, "checklist.updated", **changes)
    db.session.commit()
    return item


def delete_item(
    *, actor: Membership, item: ChecklistItem, expected_version: int | None = None
) -> None:
    """Delete an item and renumber the rest of its checklist.

    Raises:
        StaleVersion: ``expected_version`` is not the item's current version.
    """
    require(actor.role, Action.EDIT_CHECKLISTS)
    _lock(item.task)
    check_version(item, expected_version, noun="checklist item")
    task_id = item.task_id
    _record(actor, item, "checklist.deleted")
    db.session.delete(item)
    db.session.flush()
    rest = db.session.scalars(
        select(ChecklistItem)
        .where(ChecklistItem.task_id == task_id)
        .order_by(ChecklistItem.position, ChecklistItem.id)
    )
    for number, member in enumerate(rest):
        if member.position != number:
            member.position = number
    db.session.commit()


def _due_at(item: ChecklistItem, zone: str) -> datetime | None:
    # A day alone is due at the end of that day where the person converting it is.
    if item.due_on is None:
        return None
    return datetime.combine(item.due_on, END_OF_DAY, tzinfo=ZoneInfo(zone))


def convert_item(*, actor: Membership, item: ChecklistItem) -> Task:
    """Make a full task of ``item`` in its task's project; the item links to it.

    The new task takes the item's title, assignee and due date; the item stays in the
    checklist, and the task shows which checklist it came from.

    Raises:
        Conflict: the item was converted already, or the project is archived.
    """
    require(actor.role, Action.EDIT_CHECKLISTS)
    require(actor.role, Action.WRITE_TASKS)
    parent = item.task
    _lock(parent)
    db.session.refresh(item)
    if item.converted_task_id is not None:
        raise Conflict("This item is already a task; open it from the checklist.")
    data = TaskCreate(
        title=item.title, assignee_id=item.assignee_id,
        due_at=_due_at(item, actor.user.time_zone),
    )  # fmt: skip
    created = tasks.build_task(project=parent.project, data=data, created_by_id=actor.user_id)
    db.session.flush()
    item.converted_task_id = created.id
    activity.record(
        organization_id=created.organization_id, actor=actor.user, verb="task.created",
        subject_type="task", subject_id=created.id, subject_title=created.title,
        task_id=created.id, changes={"from checklist of": [None, parent.title]},
    )  # fmt: skip
    _record(actor, item, "checklist.converted")
    notify.task_assigned(task=created, actor=actor.user)
    db.session.commit()
    return created
