"""Rows written at an earlier revision, for the tests of a migration's data step."""

from __future__ import annotations

from taskmanager.extensions import db
from taskmanager.orgs.models import Organization
from taskmanager.projects.models import Project


def old_projects(*names: str) -> tuple[Organization, list[Project]]:
    """An organization with a project per name, flushed, in the caller's session.

    Call inside an app context and ``tenancy.system()``, after ``upgrade`` to the
    revision before the one tested; the caller adds its own rows and commits.
    """
    org = Organization(name="Old", slug="old")
    db.session.add(org)
    db.session.flush()
    projects = [Project(organization_id=org.id, name=name) for name in names]
    db.session.add_all(projects)
    db.session.flush()
    return org, projects
