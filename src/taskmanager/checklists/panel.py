"""What the task page's checklist section shows (tasks/views.py includes it)."""

from __future__ import annotations

from dataclasses import dataclass

from taskmanager.checklists import services
from taskmanager.checklists.models import ChecklistItem
from taskmanager.checklists.schemas import MAX_ITEMS
from taskmanager.orgs.models import Membership
from taskmanager.policy import Action
from taskmanager.policy import can
from taskmanager.tasks.models import Task


@dataclass
class Panel:
    items: list[ChecklistItem]
    origin: ChecklistItem | None  # the item this task was converted from
    can_edit: bool
    can_convert: bool
    limit: int = MAX_ITEMS

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.done)

    @property
    def full(self) -> bool:
        return len(self.items) >= self.limit


def panel(me: Membership, task: Task) -> Panel:
    editable = can(me.role, Action.EDIT_CHECKLISTS)
    return Panel(
        items=services.items_of(task),
        origin=services.origin_of(task),
        can_edit=editable,
        can_convert=editable and can(me.role, Action.WRITE_TASKS),
    )
