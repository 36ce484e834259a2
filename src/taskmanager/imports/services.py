"""Start CSV imports and exports; the jobs in imports/jobs.py do the work.

An import keeps every valid row and lists each bad one with its row number and the
reason, so a user fixes only those. Rows are committed in batches, and the job
records how far it got, so a worker that dies mid-file resumes where it stopped.
"""

from __future__ import annotations

from sqlalchemy import select

from taskmanager.errors import NotFound
from taskmanager.extensions import db
from taskmanager.imports.csvfile import read_csv
from taskmanager.imports.jobs import run_export
from taskmanager.imports.jobs import run_import
from taskmanager.imports.models import Job
from taskmanager.jobs import enqueue_after_commit
from taskmanager.orgs.models import Membership
from taskmanager.policy import Action
from taskmanager.policy import require
from taskmanager.projects.models import Project


def start_import(*, actor: Membership, project: Project, content: bytes) -> Job:
    require(actor.role, Action.WRITE_TASKS)
    rows = read_csv(content)
    job = Job(
        organization_id=project.organization_id, kind="import", project_id=project.id,
        requested_by_id=actor.user_id, total=len(rows), input=content.decode("utf-8-sig"),
    )  # fmt: skip
    db.session.add(job)
    db.session.flush()
    enqueue_after_commit(run_import, job_id=job.id)
    db.session.commit()
    return job


def start_export(*, actor: Membership, project: Project) -> Job:
    require(actor.role, Action.VIEW)
    job = Job(
        organization_id=project.organization_id, kind="export", project_id=project.id,
        requested_by_id=actor.user_id,
    )  # fmt: skip
    db.session.add(job)
    db.session.flush()
    enqueue_after_commit(run_export, job_id=job.id)
    db.session.commit()
    return job


def get_job(organization_id: int, job_id: int) -> Job:
    job = db.session.scalar(select(Job).where(Job.id == job_id))
    if job is None or job.organization_id != organization_id:
        raise NotFound("No such job.")
    return job
