"""Start CSV imports and exports; the jobs in imports/jobs.py do the work.

An import keeps every valid row and lists each bad one with its row number and the
reason, so a user fixes only those. Rows are committed in batches, and the job
records how far it got, so a worker that dies mid-file resumes where it stopped.
"""

from __future__ import annotations

from sqlalchemy import select

from taskmanager.errors import Conflict
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
from taskmanager.tasks import rules


def start_import(*, actor: Membership, project: Project, content: bytes) -> Job:
    require(actor.role, Action.WRITE_TASKS)
    rules.require_open(project)
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


def get_job(*, actor: Membership, job_id: int) -> Job:
    """A job of the actor's, in the actor's organization.

    Only the person who started a job sees it: its progress, its list of rows to
    fix and its export file are theirs (the export email links them there). What it
    produced, the tasks, everyone with access sees as usual.

    Raises:
        NotFound: no such job, another organization's, or someone else's.
    """
    job = db.session.scalar(select(Job).where(Job.id == job_id))
    if (
        job is None
        or job.organization_id != actor.organization_id
        or job.requested_by_id != actor.user_id
    ):
        raise NotFound("No such job.")
    return job


def export_file(job: Job) -> str:
    """The CSV an export job produced.

    Raises:
        NotFound: the job is an import, which produces no file.
        Conflict: the export has not finished (yet, or ever: it failed).
    """
    if job.kind != "export":
        raise NotFound("Only an export job has a file to download.")
    if job.state != "done" or job.output is None:
        raise Conflict(f"The export is {job.state}, not done: download it once its state is done.")
    return job.output


def export_filename(job: Job) -> str:
    return f"tasks-{job.project_id}.csv"
