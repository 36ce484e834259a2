"""Projects and labels of one organization."""

from __future__ import annotations

import re

from sqlalchemy import func
from sqlalchemy import select

from taskmanager.activity import services as activity
from taskmanager.billing.usage import Limit
from taskmanager.billing.usage import require_room
from taskmanager.concurrency import check_version
from taskmanager.errors import Conflict
from taskmanager.errors import NotFound
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.orgs.models import Membership
from taskmanager.policy import Action
from taskmanager.policy import require
from taskmanager.projects.models import Label
from taskmanager.projects.models import Project

COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def _name(value: str, *, limit: int) -> str:
    value = (value or "").strip()
    if not 1 <= len(value) <= limit:
        raise ValidationFailed(details={"name": f"Give a name of 1 to {limit} characters."})
    return value


def list_projects(organization_id: int, *, include_archived: bool = False) -> list[Project]:
    query = select(Project).where(Project.organization_id == organization_id)
    if not include_archived:
        query = query.where(Project.archived.is_(False))
    return list(db.session.scalars(query.order_by(Project.archived, func.lower(Project.name))))


def get_project(organization_id: int, project_id: int) -> Project:
    project = db.session.get(Project, project_id)
    if project is None or project.organization_id != organization_id:
        raise NotFound("No such project.")
    return project


def create_project(*, actor: Membership, name: str, description: str = "") -> Project:
    require(actor.role, Action.MANAGE_PROJECTS)
    require_room(actor.organization, Limit.PROJECTS)
    project = Project(
        organization_id=actor.organization_id,
        name=_name(name, limit=120),
        description=(description or "").strip()[:5000],
    )
    db.session.add(project)
    db.session.flush()
    activity.record(
        organization_id=actor.organization_id, actor=actor.user, verb="project.created",
        subject_type="project", subject_id=project.id, subject_title=project.name,
    )  # fmt: skip
    db.session.commit()
    return project


def update_project(
    *, actor: Membership, project: Project, name: str | None = None,
    description: str | None = None, archived: bool | None = None,
    expected_version: int | None = None,
) -> Project:  # fmt: skip
    """Rename, describe, archive or unarchive; a real change bumps the version.

    Raises:
        StaleVersion: ``expected_version`` is not the project's current version.
        ValidationFailed: an empty or overlong name.
        PlanLimitReached: unarchiving past the plan's active projects.
    """
    require(actor.role, Action.MANAGE_PROJECTS)
    check_version(project, expected_version, noun="project")
    changes: dict[str, list[object]] = {}
    if name is not None and name.strip() != project.name:
        changes["name"] = [project.name, _name(name, limit=120)]
        project.name = changes["name"][1]  # type: ignore[assignment]
    if description is not None and description.strip() != project.description:
        changes["description"] = [project.description, description.strip()[:5000]]
        project.description = description.strip()[:5000]
    if archived is False and project.archived:
        require_room(actor.organization, Limit.PROJECTS)  # an active project counts again
    if archived is not None and archived != project.archived:
        changes["archived"] = [project.archived, archived]
        project.archived = archived
    if changes:
        project.version += 1
        verb = "project.archived" if archived else "project.updated"
        activity.record(
            organization_id=project.organization_id, actor=actor.user, verb=verb,
            subject_type="project", subject_id=project.id, subject_title=project.name,
            changes=changes,
        )  # fmt: skip
    db.session.commit()  # also releases the row lock when nothing changed
    return project


def delete_project(
    *, actor: Membership, project: Project, expected_version: int | None = None
) -> None:
    """Delete a project with its tasks.

    Raises:
        StaleVersion: ``expected_version`` is not the project's current version.
    """
    require(actor.role, Action.MANAGE_PROJECTS)
    check_version(project, expected_version, noun="project")
    activity.record(
        organization_id=project.organization_id, actor=actor.user, verb="project.deleted",
        subject_type="project", subject_id=project.id, subject_title=project.name,
    )  # fmt: skip
    db.session.delete(project)
    db.session.commit()


def list_labels(organization_id: int) -> list[Label]:
    query = select(Label).where(Label.organization_id == organization_id)
    return list(db.session.scalars(query.order_by(func.lower(Label.name))))


def get_label(organization_id: int, label_id: int) -> Label:
    label = db.session.get(Label, label_id)
    if label is None or label.organization_id != organization_id:
        raise NotFound("No such label.")
    return label


def _color(value: str) -> str:
    if not COLOR.fullmatch(value or ""):
        raise ValidationFailed(details={"color": "Use a color like #3366ff."})
    return value.lower()


def _refuse_clash(organization_id: int, name: str, *, keep: Label | None = None) -> None:
    """Label names are unique in an organization, whatever their case."""
    query = select(Label).where(
        Label.organization_id == organization_id, func.lower(Label.name) == name.lower()
    )
    if keep is not None:
        query = query.where(Label.id != keep.id)
    if db.session.scalar(query) is not None:
        raise Conflict(f'A label named "{name}" already exists.')


def create_label(*, actor: Membership, name: str, color: str = "#6c757d") -> Label:
    require(actor.role, Action.MANAGE_LABELS)
    name = _name(name, limit=40)
    _refuse_clash(actor.organization_id, name)
    label = Label(organization_id=actor.organization_id, name=name, color=_color(color))
    db.session.add(label)
    db.session.commit()
    return label


def update_label(
    *, actor: Membership, label: Label, name: str | None = None, color: str | None = None
) -> Label:
    """Rename or recolor. Raises Conflict if another label of the org has that name."""
    require(actor.role, Action.MANAGE_LABELS)
    if name is not None:
        name = _name(name, limit=40)
        # Checked before the change: a query would flush a clashing name to the database.
        _refuse_clash(actor.organization_id, name, keep=label)
        label.name = name
    if color is not None:
        label.color = _color(color)
    db.session.commit()
    return label


def delete_label(*, actor: Membership, label: Label) -> None:
    require(actor.role, Action.MANAGE_LABELS)
    db.session.delete(label)
    db.session.commit()
