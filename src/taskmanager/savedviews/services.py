"""Saved views: keep, share, change and delete them; "My tasks" across organizations.

Anyone who may view a project keeps private views of it; sharing one with the
organization needs ``Action.SHARE_VIEWS``. Only the owner changes a view; the owner,
or a role with ``Action.MANAGE_SHARED_VIEWS`` for a shared one, deletes it. Another
person's private view does not exist for anyone else (404). Shared views are part of
the organization's history; private ones are nobody else's business.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select

from taskmanager.accounts.identity import Someone
from taskmanager.activity import services as activity
from taskmanager.concurrency import check_version
from taskmanager.errors import Forbidden
from taskmanager.errors import NotFound
from taskmanager.errors import Unprocessable
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.orgs.models import Membership
from taskmanager.policy import Action
from taskmanager.policy import can
from taskmanager.policy import require
from taskmanager.projects.models import Project
from taskmanager.savedviews.models import SavedView
from taskmanager.savedviews.schemas import SavedViewIn
from taskmanager.savedviews.schemas import SavedViewUpdate
from taskmanager.tasks import listing

MAX_VIEWS_PER_PROJECT = 50  # per person: the row of links stays a row


def _visible_to(user_id: int) -> ColumnElement[bool]:
    return or_(SavedView.shared.is_(True), SavedView.owner_id == user_id)


def list_views(*, actor: Membership, project: Project) -> list[SavedView]:
    """The views of ``project`` that ``actor`` sees: their own and the shared ones, by name."""
    query = (
        select(SavedView)
        .where(SavedView.project_id == project.id, _visible_to(actor.user_id))
        .order_by(SavedView.name, SavedView.id)
    )
    return list(db.session.scalars(query))


def get_view(*, actor: Membership, view_id: int) -> SavedView:
    """A view ``actor`` may see.

    Raises:
        NotFound: no such view in the organization, or another person's private view.
    """
    view = db.session.get(SavedView, view_id)
    if (
        view is None
        or view.organization_id != actor.organization_id
        or not (view.shared or view.owner_id == actor.user_id)
    ):
        raise NotFound("No such view.")
    return view


def may_change(*, actor: Membership, view: SavedView) -> bool:
    return view.owner_id == actor.user_id


def may_delete(*, actor: Membership, view: SavedView) -> bool:
    if view.owner_id == actor.user_id:
        return True
    return view.shared and can(actor.role, Action.MANAGE_SHARED_VIEWS)


def _record(actor: Membership, view: SavedView, verb: str) -> None:
    activity.record(
        organization_id=view.organization_id, actor=actor.user, verb=verb,
        subject_type="saved_view", subject_id=view.id, subject_title=view.name,
    )  # fmt: skip


def create_view(*, actor: Membership, project: Project, data: SavedViewIn) -> SavedView:
    """Save a view of ``project`` for ``actor``.

    Raises:
        Forbidden: shared by a role that may not share views.
        ValidationFailed: the person already keeps as many views of the project as allowed.
    """
    require(actor.role, Action.VIEW)
    if data.shared:
        require(actor.role, Action.SHARE_VIEWS)
    kept = db.session.scalar(
        select(func.count(SavedView.id)).where(
            SavedView.project_id == project.id, SavedView.owner_id == actor.user_id
        )
    )
    if (kept or 0) >= MAX_VIEWS_PER_PROJECT:
        raise Unprocessable(
            f"You keep {MAX_VIEWS_PER_PROJECT} views of this project already: delete one first.",
            details={"name": "Too many views of this project."},
        )
    view = SavedView(
        organization_id=project.organization_id,
        project_id=project.id,
        owner_id=actor.user_id,
        name=data.name,
        shared=data.shared,
        layout=data.layout,
        filters=data.filters.model_dump(mode="json", exclude_none=True, exclude_defaults=True),
    )
    db.session.add(view)
    db.session.flush()
    if view.shared:
        _record(actor, view, "view.shared")
    db.session.commit()
    return view


def update_view(
    *, actor: Membership, view: SavedView, data: SavedViewUpdate,
    expected_version: int | None = None,
) -> SavedView:  # fmt: skip
    """Rename, share or unshare, or change the filters of one's own view.

    Raises:
        Forbidden: not the owner; or sharing by a role that may not share.
        StaleVersion: ``expected_version`` is not the view's current version.
        ValidationFailed: a name sent as null.
    """
    if not may_change(actor=actor, view=view):
        raise Forbidden("Only the person who saved this view can change it.")
    check_version(view, expected_version, noun="view")
    sent = data.model_dump(exclude_unset=True)
    if "name" in sent and sent["name"] is None:
        raise ValidationFailed(details={"name": "Give the view a name."})
    if sent.get("shared") and not view.shared:
        require(actor.role, Action.SHARE_VIEWS)
    if data.filters is not None:
        sent["filters"] = data.filters.model_dump(
            mode="json", exclude_none=True, exclude_defaults=True
        )
    was_shared = view.shared
    changed = False
    for name, new in sent.items():
        if new is not None and new != getattr(view, name):
            setattr(view, name, new)
            changed = True
    if changed:
        view.version += 1
        if view.shared and not was_shared:
            _record(actor, view, "view.shared")
        elif was_shared and not view.shared:
            _record(actor, view, "view.unshared")
        elif view.shared:
            _record(actor, view, "view.updated")
    db.session.commit()
    return view


def delete_view(*, actor: Membership, view: SavedView) -> None:
    """Delete a view: one's own, or a shared one by a role that manages shared views.

    Raises:
        Forbidden: someone else's view, without the right to manage shared ones.
    """
    if not may_delete(actor=actor, view=view):
        raise Forbidden("Only the person who saved this view, or an admin, can delete it.")
    if view.shared:
        _record(actor, view, "view.deleted")
    db.session.delete(view)
    db.session.commit()


def my_tasks(
    *, user: Someone, memberships: Sequence[Membership], page: int = 1, per_page: int = 25
) -> listing.Page:
    """The built-in "My tasks" view: open tasks assigned to ``user`` in the
    organizations of ``memberships``, soonest due first, undated last (the caller
    scopes the request to those organizations)."""
    filters = listing.TaskFilters(assignee_id=user.id, sort="due_at", open_only=True)
    return listing.search_tasks(
        organization_ids=[m.organization_id for m in memberships],
        filters=filters, page=page, per_page=per_page,
    )  # fmt: skip
