"""The import and export jobs, and the sweep that republishes the stuck ones.

Each job is idempotent: however often it is delivered, it runs to completion once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from celery import shared_task
from flask import render_template
from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select

from taskmanager import duedates as dates
from taskmanager import links
from taskmanager import tenancy
from taskmanager.accounts.models import User
from taskmanager.accounts.services import find_by_email
from taskmanager.activity import services as activity
from taskmanager.db import utcnow
from taskmanager.errors import DomainError
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.imports import claims
from taskmanager.imports.csvfile import read_csv
from taskmanager.imports.csvfile import write_csv
from taskmanager.imports.models import Job
from taskmanager.jobs import requeue
from taskmanager.mail.services import queue_email
from taskmanager.orgs.models import Organization
from taskmanager.projects.models import Label
from taskmanager.projects.models import Project
from taskmanager.schemas import parse
from taskmanager.tasks import ordering
from taskmanager.tasks import services as tasks
from taskmanager.tasks.models import Status
from taskmanager.tasks.models import Task
from taskmanager.tasks.schemas import TaskCreate

BATCH = 250
MAX_ERRORS_KEPT = 500


def _row_fields(
    row: dict[str, str], organization_id: int, labels: dict[str, Label], zone: ZoneInfo
) -> dict[str, Any]:
    fields: dict[str, Any] = {"title": row.get("title", "")}
    for name in ("description", "status", "priority"):
        if row.get(name):
            fields[name] = row[name].lower() if name in ("status", "priority") else row[name]
    if row.get("due_at"):
        # Plain days and common formats, read in the importer's time zone.
        try:
            fields["due_at"] = dates.due_from_text(row["due_at"], zone)
        except ValueError as error:
            raise DomainError(str(error)) from None
    if row.get("assignee_email"):
        # One answer for an unknown address and for someone else's account: the import
        # must not tell which addresses are registered.
        not_member = DomainError(
            f"No member of this organization has the email {row['assignee_email']}."
        )
        person = find_by_email(row["assignee_email"])
        if person is None:
            raise not_member
        try:
            tasks.assignee_in(organization_id, person.id)
        except ValidationFailed:
            raise not_member from None
        fields["assignee_id"] = person.id
    names = [name.strip().lower() for name in row.get("labels", "").split(";") if name.strip()]
    unknown = [name for name in names if name not in labels]
    if unknown:
        raise DomainError(f"Unknown label(s): {', '.join(unknown)}. Create them first.")
    fields["label_ids"] = [labels[name].id for name in names]
    return fields


@shared_task(bind=True, max_retries=3, default_retry_delay=5)
def run_import(self: Any, *, job_id: int) -> str:
    """Import the job's rows as tasks, each row exactly once however often delivered.

    A batch of tasks and the job's ``done`` counter commit together, so a worker that
    dies mid-file leaves a consistent cursor, and the execution that takes over (see
    claims.py) resumes after the last committed row. Redoing from scratch would need
    the whole file in one transaction, with no progress to show while it runs.
    """
    with tenancy.system():
        attempt = claims.claim(job_id)
        if attempt is None:
            return "nothing to do"
        job = db.session.get(Job, job_id)
        if job is None:
            return "nothing to do"
        rows = read_csv((job.input or "").encode())
        labels = {
            label.name.lower(): label
            for label in db.session.scalars(
                select(Label).where(Label.organization_id == job.organization_id)
            )
        }
        project = db.session.get(Project, job.project_id)
        if project is None:  # deleted since the import started: nothing to import into
            job.state, job.finished_at = "failed", utcnow()
            job.errors = [{"row": None, "message": "The project was deleted."}]
            return "project deleted" if _commit_if_held(job_id, attempt) else "taken over"
        requester = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
        zone = ZoneInfo(requester.time_zone if requester else "UTC")
        positions: dict[str, int] = {}
        # Rows before ``done`` were committed by an earlier execution of this job.
        for number, row in enumerate(rows[job.done :], start=job.done + 2):
            try:
                data = parse(TaskCreate, _row_fields(row, job.organization_id, labels, zone))
                status = (data.status or Status.TODO).value
                if status not in positions or positions[status] > ordering.CEILING:
                    positions[status] = ordering.next_position(project.id, status)
                tasks.build_task(
                    project=project, data=data, created_by_id=job.requested_by_id,
                    position=positions[status],
                )  # fmt: skip
                positions[status] += ordering.GAP
            except DomainError as error:
                if len(job.errors) < MAX_ERRORS_KEPT:
                    detail = "; ".join(f"{k}: {v}" for k, v in error.details.items())
                    job.errors = [*job.errors, {"row": number, "message": detail or error.message}]
            job.done += 1
            if job.done % BATCH == 0 and not _commit_if_held(job_id, attempt):
                return "taken over"
        job.state, job.finished_at = "done", utcnow()
        # Counted over every execution of the job, as the progress page counts them.
        created = job.done - len(job.errors)
        activity.record(
            organization_id=job.organization_id, actor=None, verb="tasks.imported",
            subject_type="project", subject_id=project.id,
            subject_title=f"{created} tasks imported",
        )  # fmt: skip
        if not _commit_if_held(job_id, attempt):
            return "taken over"
    return "done"


@shared_task
def run_export(*, job_id: int) -> str:
    """Write the project's tasks as CSV; one transaction, so a retry simply redoes it."""
    with tenancy.system():
        attempt = claims.claim(job_id)
        if attempt is None:
            return "nothing to do"
        job = db.session.get(Job, job_id)
        if job is None:
            return "nothing to do"
        rows = []
        for task in db.session.scalars(
            select(Task).where(Task.in_project(job.project_id)).order_by(Task.status, Task.position)
        ):
            rows.append([
                task.title, task.description, task.status, task.priority,
                task.due_at.isoformat() if task.due_at else "",
                task.assignee.email if task.assignee else "",
                ";".join(label.name for label in task.labels),
            ])  # fmt: skip
        job.output = write_csv(rows)
        job.total = job.done = len(rows)
        job.state, job.finished_at = "done", utcnow()
        requester = job.requested_by_id
        if requester is not None:
            user = db.session.get(User, requester)
            org = db.session.get(Organization, job.organization_id)
            if user is not None and org is not None:
                link = links.external("org.job", slug=org.slug, job_id=job.id)
                queue_email(
                    to=user.email, subject="Your task export is ready",
                    text=render_template("email/export_ready.txt", link=link, count=len(rows)),
                    key=f"export:{job.id}",
                )  # fmt: skip
        if not _commit_if_held(job_id, attempt):
            return "taken over"
    return "done"


def _commit_if_held(job_id: int, attempt: int) -> bool:
    """Commit this execution's work, or roll it back if its claim was taken over."""
    if claims.still_held(job_id, attempt):
        db.session.commit()
        return True
    db.session.rollback()
    return False


RUNNERS = {"import": run_import, "export": run_export}


@shared_task
def requeue_stuck_jobs(older_than_seconds: int = 120) -> int:
    """Publish again the jobs nobody is working on; fail those out of attempts.

    A job stays ``queued`` when its publish was lost (the broker was down at commit
    time) and ``running`` when its worker died; beat runs this sweep every minute.
    A queued job may also just be waiting in a long queue: publishing it again is
    harmless, because only one delivery can claim it, and its heartbeat is moved on
    so that each sweep adds at most one more copy per ``older_than_seconds``.
    """
    now = utcnow()
    with tenancy.system():
        claims.fail_exhausted(now)
        lost = and_(
            Job.state == "queued", Job.heartbeat_at < now - timedelta(seconds=older_than_seconds)
        )
        stuck = db.session.scalars(select(Job).where(or_(lost, claims.abandoned(now)))).all()
        for job in stuck:
            if job.state == "queued":
                job.heartbeat_at = now
        return requeue(
            "requeue-stuck-jobs", [(RUNNERS[job.kind], {"job_id": job.id}) for job in stuck]
        )
