"""Jobs are never lost nor repeated: claims, take-overs after a dead worker, the sweep.

The job bodies run here in the test process (``.run``), on the test's rolled-back
transaction; tests/faults/test_job_sweep.py runs the same through a broker and a
real worker process that is stopped and killed.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy import update

from taskmanager import tenancy
from taskmanager.db import utcnow
from taskmanager.extensions import db
from taskmanager.imports import claims
from taskmanager.imports import jobs
from taskmanager.imports import services
from taskmanager.imports.models import Job
from taskmanager.orgs.services import member
from taskmanager.projects.models import Project
from taskmanager.schedule import ScheduleRun
from taskmanager.tasks.models import Task


def rows(count: int) -> str:
    return "title\n" + "".join(f"Row {n}\n" for n in range(1, count + 1))


def start_import(app, team, text, role="member"):
    with app.app_context(), tenancy.system():
        actor = member(team.org.id, team.people[role].id)
        project = db.session.get(Project, team.project.id)
        return services.start_import(actor=actor, project=project, content=text.encode()).id


def set_job(app, job_id, **values):
    with app.app_context(), tenancy.system():
        db.session.execute(update(Job).where(Job.id == job_id).values(**values))
        db.session.commit()


def job(app, job_id):
    with app.app_context(), tenancy.system():
        found = db.session.get(Job, job_id)
        db.session.expunge(found)
        return found


def imported(app, team):
    """The titles of the tasks imported into the team's project, with repeats."""
    with app.app_context(), tenancy.system():
        return sorted(
            db.session.scalars(
                select(Task.title).where(
                    Task.project_id == team.project.id, Task.title.like("Row %")
                )
            )
        )


def run(app, job_id, kind="import"):
    with app.app_context():
        return jobs.RUNNERS[kind].run(job_id=job_id)


def sweep(app, enqueued, **kwargs):
    """Run beat's sweep; the job ids it published again."""
    enqueued.clear()
    with app.app_context():
        jobs.requeue_stuck_jobs.run(**kwargs)
    return sorted(
        kw["job_id"] for name, kw in enqueued if name.endswith(("run_import", "run_export"))
    )


def test_a_job_delivered_twice_runs_once(app, team):
    job_id = start_import(app, team, rows(3))

    assert run(app, job_id) == "done"
    assert run(app, job_id) == "nothing to do"

    assert imported(app, team) == ["Row 1", "Row 2", "Row 3"]


def test_only_one_delivery_can_claim_a_job(app, team):
    job_id = start_import(app, team, rows(1))
    with app.app_context(), tenancy.system():
        first, second = claims.claim(job_id), claims.claim(job_id)
    assert (first, second) == (1, None)


def test_a_run_whose_claim_was_taken_over_cannot_commit(app, team, monkeypatch):
    job_id = start_import(app, team, rows(1))
    monkeypatch.setitem(app.config, "JOB_STALE_SECONDS", 0)
    with app.app_context(), tenancy.system():
        slow = claims.claim(job_id)
        taker = claims.claim(job_id)  # the slow one looks dead: no heartbeat for 0 s
        assert (slow, taker) == (1, 2)
        assert claims.still_held(job_id, slow) is False
        assert claims.still_held(job_id, taker) is True


def test_an_import_whose_worker_died_resumes_after_the_last_committed_row(app, team, monkeypatch):
    job_id = start_import(app, team, rows(7))
    monkeypatch.setattr(jobs, "BATCH", 2)
    real_parse = jobs.parse

    def die_at_row_5(schema, fields):
        if fields["title"] == "Row 5":
            raise SystemExit("the worker is killed while rows 5 and 6 are uncommitted")
        return real_parse(schema, fields)

    monkeypatch.setattr(jobs, "parse", die_at_row_5)
    # Leaving the app context rolls back what was uncommitted, as a lost connection does.
    with app.app_context(), pytest.raises(SystemExit):
        jobs.run_import.run(job_id=job_id)
    assert (job(app, job_id).state, job(app, job_id).done) == ("running", 4)
    assert imported(app, team) == ["Row 1", "Row 2", "Row 3", "Row 4"]

    monkeypatch.setattr(jobs, "parse", real_parse)
    assert run(app, job_id) == "nothing to do", "a live-looking claim is not taken over"
    monkeypatch.setitem(app.config, "JOB_STALE_SECONDS", 0)
    assert run(app, job_id) == "done"

    assert imported(app, team) == [f"Row {n}" for n in range(1, 8)]
    assert (job(app, job_id).done, job(app, job_id).attempts) == (7, 2)


def test_the_sweep_publishes_again_a_job_whose_publish_was_lost(app, team, enqueued):
    lost = start_import(app, team, rows(1))
    set_job(app, lost, heartbeat_at=utcnow() - timedelta(minutes=5))
    start_import(app, team, rows(1))  # queued just now: its publish may still arrive

    assert sweep(app, enqueued, older_than_seconds=120) == [lost]
    # Its heartbeat moved on: the next sweep does not publish it once more at once.
    assert sweep(app, enqueued, older_than_seconds=120) == []


def test_the_sweep_publishes_again_a_running_job_whose_worker_died(app, team, enqueued):
    live = start_import(app, team, rows(1))
    dead = start_import(app, team, rows(1))
    long_ago = utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 60)
    set_job(app, live, state="running", attempts=1, heartbeat_at=utcnow())
    set_job(app, dead, state="running", attempts=1, heartbeat_at=long_ago)

    assert sweep(app, enqueued) == [dead]


def test_finished_jobs_are_left_alone(app, team, enqueued):
    done = start_import(app, team, rows(1))
    run(app, done)
    set_job(app, done, heartbeat_at=utcnow() - timedelta(days=1))

    assert sweep(app, enqueued, older_than_seconds=0) == []
    assert imported(app, team) == ["Row 1"]


def test_a_job_that_keeps_losing_its_worker_is_failed_with_the_reason(app, team, enqueued):
    job_id = start_import(app, team, rows(600))
    long_ago = utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 60)
    set_job(
        app, job_id, state="running", done=250, attempts=claims.MAX_ATTEMPTS, heartbeat_at=long_ago
    )

    assert sweep(app, enqueued) == []

    failed = job(app, job_id)
    assert failed.state == "failed" and failed.finished_at is not None
    assert failed.errors[-1]["row"] is None
    assert "first 250 rows (to line 251) are imported" in failed.errors[-1]["message"]
    assert run(app, job_id) == "nothing to do"


def test_a_run_still_going_when_its_job_was_failed_cannot_commit(app, team, monkeypatch):
    job_id = start_import(app, team, rows(1))
    set_job(app, job_id, attempts=claims.MAX_ATTEMPTS - 1)
    monkeypatch.setitem(app.config, "JOB_STALE_SECONDS", 0)
    with app.app_context(), tenancy.system():
        last = claims.claim(job_id)
        assert last == claims.MAX_ATTEMPTS
        assert claims.fail_exhausted(utcnow() + timedelta(seconds=1)) == 1
        db.session.commit()
        assert claims.still_held(job_id, last) is False
    assert job(app, job_id).state == "failed"


def test_the_sweep_records_its_run_for_jobs_status(app, team, enqueued):
    start_import(app, team, rows(1))
    sweep(app, enqueued, older_than_seconds=0)

    with app.app_context():
        last_run = db.session.get(ScheduleRun, "requeue-stuck-jobs")
    assert last_run is not None and last_run.last_result == "1 requeued"
