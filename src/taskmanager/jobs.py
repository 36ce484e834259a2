"""Celery wired the Flask way, and publishing jobs only after their transaction commits.

``celery_init_app`` is the pattern from Flask's documentation: every task runs inside
an app context, so jobs use the same ``db.session`` and config as views. Jobs take
ids, never ORM objects, and are published by ``enqueue_after_commit``: a rolled-back
change publishes nothing, and a worker never looks for a row that is not there yet.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from typing import Any

from celery import Celery
from celery import Task
from flask import Flask
from flask import current_app
from flask import has_app_context
from kombu.exceptions import OperationalError
from sqlalchemy import event
from sqlalchemy.orm import Session

from taskmanager.extensions import db
from taskmanager.schedule import record_run

logger = logging.getLogger(__name__)

_PENDING = "taskmanager_pending_jobs"
# Modules whose jobs a worker must know, imported when the worker starts.
JOB_MODULES = [
    "taskmanager.mail.jobs",
    "taskmanager.notifications.jobs",
    "taskmanager.imports.jobs",
    "taskmanager.api.idempotency",
    "taskmanager.attachments.jobs",
    "taskmanager.webhooks.jobs",
    "taskmanager.mydata.jobs",
    "taskmanager.recurrence.jobs",
]


def celery_config(config: dict[str, Any]) -> dict[str, Any]:
    """Celery settings for the app's broker; reliability settings are not optional."""
    broker_url = config["BROKER_URL"]
    options: dict[str, Any] = {
        "broker_url": broker_url,
        "task_ignore_result": True,
        # A job is acknowledged only once it has finished, and handed back to the queue
        # if its worker dies: together with idempotent jobs, nothing is lost or repeated.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_time_limit": 300,
        "task_soft_time_limit": 240,
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,
        "beat_schedule": {
            "due-reminders": {
                "task": "taskmanager.notifications.jobs.send_due_reminders",
                "schedule": 300.0,
            },
            "weekly-summaries": {
                "task": "taskmanager.notifications.jobs.send_weekly_summaries",
                "schedule": 900.0,
            },
            "requeue-unsent-emails": {
                "task": "taskmanager.mail.jobs.requeue_unsent_emails",
                "schedule": 300.0,
            },
            "purge-idempotency-keys": {
                "task": "taskmanager.api.idempotency.purge_idempotency_keys",
                "schedule": 3600.0,
            },
            "sweep-attachment-orphans": {
                "task": "taskmanager.attachments.jobs.sweep_orphans",
                "schedule": 3600.0,
            },
            "requeue-webhook-deliveries": {
                "task": "taskmanager.webhooks.jobs.requeue_due_deliveries",
                "schedule": 60.0,
            },
            # Completed repeating tasks whose next occurrence a lost job never made.
            "recurrence-sweep": {
                "task": "taskmanager.recurrence.jobs.sweep_recurrences",
                "schedule": 300.0,
            },
            # Every minute: a person is watching these jobs' progress bars.
            "requeue-stuck-jobs": {
                "task": "taskmanager.imports.jobs.requeue_stuck_jobs",
                "schedule": 60.0,
            },
        },
    }
    if broker_url.startswith("redis"):
        # Longer than the longest job, or Redis redelivers a job that is still running.
        options["broker_transport_options"] = {"visibility_timeout": 3600}
    options.update(config.get("CELERY", {}))
    return options


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            # Called directly inside an app context (a CLI command, a test), a task runs
            # in that app: ``shared_task`` resolves to Celery's process-wide default app,
            # which is whichever app was built last, not necessarily the caller's. A
            # worker has no app context and enters its own app's.
            if has_app_context():
                return self.run(*args, **kwargs)
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask, include=JOB_MODULES)
    celery_app.config_from_object(celery_config(app.config))
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def enqueue_after_commit(task: Task, **kwargs: Any) -> None:
    """Publish ``task`` with ``kwargs`` once the current transaction commits.

    The job goes through this Flask app's Celery, not whichever Celery app was made
    last in the process: tests and embedders may hold several apps at once.
    """
    celery_app: Celery = current_app.extensions["celery"]
    session = db.session()
    session.info.setdefault(_PENDING, []).append((celery_app.tasks[task.name], kwargs))


def publish(task: Task, kwargs: dict[str, Any]) -> None:
    # Through this app's Celery and broker: a ``shared_task`` would otherwise publish
    # through the process-wide default, whichever app was built last.
    if has_app_context():
        task = current_app.extensions["celery"].tasks[task.name]
    task.apply_async(kwargs=kwargs)


def requeue(schedule_name: str, work: Sequence[tuple[Task, dict[str, Any]]]) -> int:
    """How every sweep ends: publish stored work again after commit, and note the run.

    A sweep finds rows whose job may never have reached the broker (or whose worker
    died) and hands them back here; the jobs themselves make a second delivery
    harmless. Returns how many jobs were published again.
    """
    for task, kwargs in work:
        enqueue_after_commit(task, **kwargs)
    record_run(schedule_name, f"{len(work)} requeued")
    db.session.commit()
    return len(work)


@event.listens_for(Session, "after_commit")
def _publish_pending(session: Session) -> None:
    """Publish the jobs of the transaction that just committed.

    An unreachable broker is logged, never raised: the change is committed, and
    failing the request now would tell the user it did not happen. Stored work is
    published again by its sweep (``requeue_unsent_emails`` for mail,
    ``requeue_stuck_jobs`` for imports and exports). The first
    failure leaves the rest unpublished too, so a request does not wait out the
    broker's connection retries once per job.
    """
    pending = session.info.pop(_PENDING, [])
    for position, (task, kwargs) in enumerate(pending):
        try:
            publish(task, kwargs)
        except OperationalError:
            unpublished = Counter(job.name for job, _ in pending[position:])
            logger.exception(
                "Broker unreachable: %d committed job(s) not published (%s); "
                "their sweeps publish stored work again",
                sum(unpublished.values()),
                ", ".join(f"{name} x{count}" for name, count in sorted(unpublished.items())),
            )
            return


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
