"""Quick-add: one line of text to a task, the names in it found in the organization.

The page's box and the API's ``POST /projects/{id}/tasks/quick`` both call
``quick_add``; the text is read by the pure ``parser`` and the rest is the task
service's ``create_task``, so a quick-added task obeys every rule a task does.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy import select

from taskmanager.accounts.models import User
from taskmanager.duedates import END_OF_DAY
from taskmanager.entry import parser
from taskmanager.entry.schemas import EXAMPLE
from taskmanager.entry.schemas import QuickAddIn
from taskmanager.errors import Unprocessable
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.orgs import services as orgs
from taskmanager.orgs.models import Membership
from taskmanager.policy import Action
from taskmanager.policy import can
from taskmanager.policy import require
from taskmanager.projects.models import Label
from taskmanager.projects.models import Project
from taskmanager.schemas import parse
from taskmanager.tasks import rules
from taskmanager.tasks import services as tasks
from taskmanager.tasks.models import Task
from taskmanager.tasks.models import task_labels
from taskmanager.tasks.schemas import TaskCreate


def _words(user: User) -> list[str]:
    """What ``@name`` may start with: each word of the name, the name run together,
    the email, and its part before the "@"."""
    name = (user.name or "").lower()
    email = user.email.lower()
    return [*name.split(), name.replace(" ", ""), email, email.split("@")[0]]


def find_member(organization_id: int, typed: str, *, me: Membership) -> User:
    """The member ``@typed`` names: by name or email prefix, ``me`` for oneself.

    A prefix several members share is refused unless one of them has it as a whole
    word (``@ana`` picks Ana over Anastasia).

    Raises:
        Unprocessable: nobody, or more than one member, matches.
    """
    wanted = typed.lower()
    if wanted == "me":
        return me.user
    people = [m.user for m in orgs.members(organization_id)]
    found = [u for u in people if any(w.startswith(wanted) for w in _words(u))]
    exact = [u for u in found if wanted in _words(u)]
    if len(found) == 1 or len(exact) == 1:
        return (exact or found)[0]
    if not found:
        raise Unprocessable(
            f"Nobody in this organization is called @{typed}.",
            details={"text": f"No member's name or email starts with “{typed}”; "
                     "check the spelling, or leave @ out to assign nobody."},
        )  # fmt: skip
    names = ", ".join(sorted(u.display_name for u in found)[:5])
    raise Unprocessable(
        f"@{typed} could be several people.",
        details={"text": f"“@{typed}” matches {names}: type more of the name or email."},
    )


def _normalized(name: str) -> str:
    return name.lower().replace("-", " ").replace("_", " ")


def find_labels(actor: Membership, typed: list[str]) -> list[Label]:
    """The labels ``#names`` name (case and - or _ for spaces do not matter).

    A name no label has is created for those who may manage labels; anyone else is
    told which names are unknown, so a typo never makes a stray label.

    Raises:
        Unprocessable: unknown names, and the actor may not create labels.
    """
    if not typed:
        return []
    existing = db.session.scalars(
        select(Label).where(Label.organization_id == actor.organization_id)
    )
    by_name = {_normalized(label.name): label for label in existing}
    missing = [name for name in typed if _normalized(name) not in by_name]
    if missing and not can(actor.role, Action.MANAGE_LABELS):
        shown = ", ".join(f"#{name}" for name in missing)
        raise Unprocessable(
            f"No label called {shown} in this organization.",
            details={"text": f"Pick an existing label instead of {shown}, or ask an admin "
                     "to add it (admins' quick-add creates new labels)."},
        )  # fmt: skip
    for name in missing:
        label = Label(organization_id=actor.organization_id, name=name)
        db.session.add(label)
        by_name[_normalized(name)] = label
    db.session.flush()
    return [by_name[_normalized(name)] for name in typed]


def quick_add(
    *, actor: Membership, project: Project, data: QuickAddIn, now: datetime | None = None
) -> Task:
    """Create the task ``data.text`` describes, in one transaction with any new label.

    Relative days (``tomorrow``) count from ``now`` (default: this moment) in the
    actor's time zone; a due day is due at the end of that day there.

    Raises:
        Forbidden: the actor may not write tasks.
        Conflict: the project is archived.
        Unprocessable: no title left, an unknown or ambiguous @name, an unknown
            #label (for those who may not create labels), or a task the text describes
            that breaks a task's rules (a title over 200 characters). The text's
            grammar is not in the API's document, so each is 422 there.
    """
    require(actor.role, Action.WRITE_TASKS)
    rules.require_open(project)
    zone = ZoneInfo(actor.user.time_zone or "UTC")
    today = (now or datetime.now(UTC)).astimezone(zone).date()
    read = parser.parse(data.text, today=today)
    if not read.title:
        raise Unprocessable(
            "The task needs a title.",
            details={"text": f"Add a few words besides the tokens, like: {EXAMPLE}"},
        )
    assignee = (
        find_member(actor.organization_id, read.assignee, me=actor) if read.assignee else None
    )
    labels = find_labels(actor, read.labels)
    due = datetime.combine(read.due, END_OF_DAY, tzinfo=zone) if read.due else None
    fields = {
        "title": read.title,
        "priority": read.priority,
        "due_at": due,
        "assignee_id": assignee.id if assignee else None,
        "label_ids": [label.id for label in labels],
    }
    try:
        task = parse(TaskCreate, fields)
    except ValidationFailed as refused:
        raise Unprocessable(refused.message, details=refused.details) from None
    return tasks.create_task(actor=actor, project=project, data=task)


def label_use(label: Label) -> int:
    """How many tasks carry ``label`` (said before it is deleted)."""
    query = select(func.count()).select_from(task_labels).where(task_labels.c.label_id == label.id)
    return db.session.scalar(query) or 0
