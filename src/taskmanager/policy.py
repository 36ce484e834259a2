"""Who may do what inside an organization: one table, one function.

The table is product.md §4. Tests generate the role matrix from it, for the pages
and the API alike, so a change here is a change everywhere.
"""

from __future__ import annotations

from enum import StrEnum

from taskmanager.errors import Forbidden


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"
    VIEWER = "viewer"


class Action(StrEnum):
    VIEW = "view"  # projects, tasks, comments, attachments, activity
    WRITE_TASKS = "write_tasks"  # create, edit, move, assign tasks; comment; upload
    DELETE_OWN_TASK = "delete_own_task"
    DELETE_ANY_TASK = "delete_any_task"
    MANAGE_PROJECTS = "manage_projects"  # create, archive, delete projects
    MANAGE_LABELS = "manage_labels"
    MANAGE_MEMBERS = "manage_members"  # invite, change roles, remove (not owners)
    MANAGE_OWNERS = "manage_owners"  # make, demote or remove owners
    MANAGE_BILLING = "manage_billing"
    MANAGE_ORGANIZATION = "manage_organization"  # rename, delete, transfer ownership
    # Anyone who uploads may delete their own files; these roles delete anyone's.
    DELETE_ANY_ATTACHMENT = "delete_any_attachment"
    # Anyone who may view keeps private saved views; these roles share one with everyone.
    SHARE_VIEWS = "share_views"
    # Anyone edits and deletes their own saved views; these roles delete shared ones.
    MANAGE_SHARED_VIEWS = "manage_shared_views"
    # Outgoing webhooks: their URLs and signing secrets reach other systems.
    MANAGE_WEBHOOKS = "manage_webhooks"
    # Add, edit, tick, reorder and delete a task's checklist items (converting one into
    # a task also needs WRITE_TASKS).
    EDIT_CHECKLISTS = "edit_checklists"
    LINK_TASKS = "link_tasks"  # add or remove "blocked by" links between tasks


_MEMBER = {
    Action.VIEW,
    Action.WRITE_TASKS,
    Action.DELETE_OWN_TASK,
    Action.SHARE_VIEWS,
    Action.EDIT_CHECKLISTS,
    Action.LINK_TASKS,
}
_ADMIN = _MEMBER | {
    Action.MANAGE_SHARED_VIEWS,
    Action.DELETE_ANY_TASK,
    Action.DELETE_ANY_ATTACHMENT,
    Action.MANAGE_PROJECTS,
    Action.MANAGE_LABELS,
    Action.MANAGE_MEMBERS,
    Action.MANAGE_WEBHOOKS,
}

POLICY: dict[Role, frozenset[Action]] = {
    Role.OWNER: frozenset(Action),
    Role.ADMIN: frozenset(_ADMIN),
    Role.MEMBER: frozenset(_MEMBER),
    Role.VIEWER: frozenset({Action.VIEW}),
}


def can(role: Role | str, action: Action) -> bool:
    return action in POLICY[Role(role)]


def require(role: Role | str, action: Action) -> None:
    """Raise Forbidden unless ``role`` may perform ``action``."""
    if not can(role, action):
        raise Forbidden(f"Your role ({Role(role).value}) cannot do that here.")
