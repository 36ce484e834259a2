"""Projects and labels of one organization."""

from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select

from taskmanager.activity import services as activity
from taskmanager.billing.usage import Limit
from taskmanager.billing.usage import require_room
from taskmanager.concurrency import check_version
from taskmanager.errors import Conflict
from taskmanager.errors import NotFound
from taskmanager.errors import Unprocessable
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.orgs.models import Membership
from taskmanager.policy import Action
from taskmanager.policy import require
from taskmanager.projects.models import Label
from taskmanager.projects.models import Project
from taskmanager.projects.schemas import LabelIn
from taskmanager.projects.schemas import LabelUpdate
from taskmanager.projects.schemas import ProjectDelete
from taskmanager.projects.schemas import ProjectIn
from taskmanager.projects.schemas import ProjectUpdate


def projects_query(organization_id: int, *, include_archived: bool = False) -> Select[Project]:
    """An organization's projects by name, the archived ones last (if included)."""
    query = select(Project).where(Project.organization_id == organization_id)
    if not include_archived:
        query = query.where(Project.archived.is_(False))
    return query.order_by(Project.archived, func.lower(Project.name))


def list_projects(organization_id: int, *, include_archived: bool = False) -> list[Project]:
    return list(
        db.session.scalars(projects_query(organization_id, include_archived=include_archived))
    )


def get_project(organization_id: int, project_id: int) -> Project:
    project = db.session.get(Project, project_id)
    if project is None or project.organization_id != organization_id:
        raise NotFound("No such project.")
    return project


def create_project(*, actor: Membership, data: ProjectIn) -> Project:
    require(actor.role, Action.MANAGE_PROJECTS)
    require_room(actor.organization, Limit.PROJECTS)
    project = Project(
        organization_id=actor.organization_id, name=data.name, description=data.description
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
    *, actor: Membership, project: Project, data: ProjectUpdate,
    expected_version: int | None = None,
) -> Project:  # fmt: skip
    """Rename, describe, archive or unarchive; a real change bumps the version.

    Raises:
        StaleVersion: ``expected_version`` is not the project's current version.
        ValidationFailed: a name sent as null.
        PlanLimitReached: unarchiving past the plan's active projects.
    """
    require(actor.role, Action.MANAGE_PROJECTS)
    check_version(project, expected_version, noun="project")
    sent = data.model_dump(exclude_unset=True)
    if "name" in sent and sent["name"] is None:
        raise ValidationFailed(details={"name": "Give the project a name."})
    sent["description"] = sent.get("description", project.description) or ""
    changes: dict[str, list[object]] = {}
    if sent.get("archived") is False and project.archived:
        require_room(actor.organization, Limit.PROJECTS)  # an active project counts again
    for name, new in sent.items():
        old = getattr(project, name)
        if new is not None and new != old:
            changes[name] = [old, new]
            setattr(project, name, new)
    if changes:
        project.version += 1
        verb = "project.archived" if changes.get("archived") == [False, True] else "project.updated"
        activity.record(
            organization_id=project.organization_id, actor=actor.user, verb=verb,
            subject_type="project", subject_id=project.id, subject_title=project.name,
            changes=changes,
        )  # fmt: skip
    db.session.commit()  # also releases the row lock when nothing changed
    return project


def delete_project(
    *, actor: Membership, project: Project, data: ProjectDelete,
    expected_version: int | None = None,
) -> None:  # fmt: skip
    """Delete a project with its tasks, once its name is typed back.

    Raises:
        Unprocessable: the typed name is not the project's.
        StaleVersion: ``expected_version`` is not the project's current version.
    """
    require(actor.role, Action.MANAGE_PROJECTS)
    if data.confirm.strip() != project.name:
        raise Unprocessable(
            f'Type the project name "{project.name}" to confirm.',
            details={"confirm": f'Type "{project.name}" exactly.'},
        )
    check_version(project, expected_version, noun="project")
    activity.record(
        organization_id=project.organization_id, actor=actor.user, verb="project.deleted",
        subject_type="project", subject_id=project.id, subject_title=project.name,
    )  # fmt: skip
    db.session.delete(project)
    db.session.commit()


def labels_query(organization_id: int) -> Select[Label]:
    query = select(Label).where(Label.organization_id == organization_id)
    return query.order_by(func.lower(Label.name), Label.id)


def list_labels(organization_id: int) -> list[Label]:
    return list(db.session.scalars(labels_query(organization_id)))


def get_label(organization_id: int, label_id: int) -> Label:
    label = db.session.get(Label, label_id)
    if label is None or label.organization_id != organization_id:
        raise NotFound("No such label.")
    return label


def _refuse_clash(organization_id: int, name: str, *, keep: Label | None = None) -> None:
    """Label names are unique in an organization, whatever their case."""
    query = select(Label).where(
        Label.organization_id == organization_id, func.lower(Label.name) == name.lower()
    )
    if keep is not None:
        query = query.where(Label.id != keep.id)
    if db.session.scalar(query) is not None:
        raise Conflict(f'A label named "{name}" already exists.')


def create_label(*, actor: Membership, data: LabelIn) -> Label:
    require(actor.role, Action.MANAGE_LABELS)
    _refuse_clash(actor.organization_id, data.name)
    label = Label(organization_id=actor.organization_id, name=data.name, color=data.color.lower())
    db.session.add(label)
    db.session.commit()
    return label


def update_label(*, actor: Membership, label: Label, data: LabelUpdate) -> Label:
    """Rename or recolor. Raises Conflict if another label of the org has that name."""
    require(actor.role, Action.MANAGE_LABELS)
    if data.name is not None:
        # Checked before the change: a query would flush a clashing name to the database.
        _refuse_clash(actor.organization_id, data.name, keep=label)
        label.name = data.name
    if data.color is not None:
        label.color = data.color.lower()
    db.session.commit()
    return label


def delete_label(*, actor: Membership, label: Label) -> None:
    require(actor.role, Action.MANAGE_LABELS)
    db.session.delete(label)
    db.session.commit()
