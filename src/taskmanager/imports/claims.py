"""One execution per job at a time, and taking over from a worker that died.

A job can be delivered more than once: the after-commit publish and the sweep may
both publish it, and the broker hands a message back when its worker is lost
(``acks_late``). So every delivery first *claims* the job with one conditional
UPDATE, and only the delivery whose UPDATE changed the row does the work; the
others return at once.

A claim lives as long as its heartbeat: the running execution renews it with every
batch it commits. A job still ``running`` whose heartbeat is older than
``JOB_STALE_SECONDS`` lost its worker (SIGKILL, OOM, a lost host, a hard time limit),
and the next delivery takes it over, resuming where the last committed batch left
off (see jobs.run_import). Taking over is safe even when the guess is wrong and the
old execution was only slow: each claim bumps ``attempts``, and every commit of an
execution is fenced on the attempt number it claimed, so the old one finds its claim
gone at its next commit and rolls that batch back instead of writing it twice.

Jobs work for no one tenant, so these functions run inside ``tenancy.system()``.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.sql.elements import ColumnElement

from taskmanager.db import utcnow
from taskmanager.extensions import db
from taskmanager.imports.models import Job

# Claims before a job is given up as failed: a file that kills its worker every
# time must not be retried forever.
MAX_ATTEMPTS = 5


def stale_before(now: datetime) -> datetime:
    """Heartbeats older than this belong to executions whose worker is gone."""
    return now - timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])


def abandoned(now: datetime) -> ColumnElement[bool]:
    """Running jobs whose worker stopped beating: nobody is working on them."""
    return and_(Job.state == "running", Job.heartbeat_at < stale_before(now))


def claim(job_id: int) -> int | None:
    """Take the job for this execution and commit; the attempt number, or None.

    None means there is nothing for this execution to do: another one holds the
    job, it is finished, or it used up its attempts (the sweep marks it failed).
    """
    now = utcnow()
    attempt = db.session.scalar(
        update(Job)
        .where(
            Job.id == job_id,
            or_(Job.state == "queued", abandoned(now)),
            Job.attempts < MAX_ATTEMPTS,
        )
        .values(state="running", heartbeat_at=now, attempts=Job.attempts + 1)
        .returning(Job.attempts)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return attempt


def still_held(job_id: int, attempt: int) -> bool:
    """Renew this execution's claim inside the current transaction.

    False when another execution took the job over (or the sweep failed it): the
    caller must roll back rather than commit. The UPDATE locks the job's row until
    the commit, so no claim can slip in between this check and that commit.
    """
    # Not on ``state``: the caller may already have flushed its own "done".
    result = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.attempts == attempt)
        .values(heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def fail_exhausted(now: datetime) -> int:
    """Mark failed the abandoned jobs that used up their attempts; how many.

    Conditional like a claim: a job that showed life since it was read stays as it is.
    Failing also moves ``attempts`` on, which revokes the claim of an execution that
    was only slow: its next commit is refused, so a failed job stays failed.
    """
    exhausted = db.session.scalars(
        select(Job).where(abandoned(now), Job.attempts >= MAX_ATTEMPTS)
    ).all()
    for job in exhausted:
        db.session.execute(
            update(Job)
            .where(Job.id == job.id, abandoned(now))
            .values(
                state="failed",
                finished_at=now,
                attempts=Job.attempts + 1,
                errors=[*job.errors, {"row": None, "message": _gave_up(job)}],
            )
            .execution_options(synchronize_session=False)
        )
    return len(exhausted)


def _gave_up(job: Job) -> str:
    if job.kind == "import":
        # Line 1 names the columns, so the file's line for row ``done`` is done + 1.
        return (
            f"The import stopped {job.attempts} times without finishing. The first "
            f"{job.done} rows (to line {job.done + 1}) are imported; remove those lines "
            "and upload the rest of the file again."
        )
    return f"The {job.kind} stopped {job.attempts} times without finishing; start it again."
