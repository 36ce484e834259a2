"""Stored objects follow their rows: whatever deletes attachments deletes their bytes.

Deleting an attachment, a task, a project or an organization removes attachment rows
(directly, or by the database's ON DELETE CASCADE). Before such a flush this listener
collects the storage keys that are about to lose their rows and queues one job to
delete the objects *after* the commit: a rolled-back deletion keeps its files, and
a file is never removed while its row still exists. A job that never runs is caught
by the orphan sweep (``jobs.sweep_orphans``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy import select
from sqlalchemy.orm import Session

from taskmanager.attachments.models import Attachment
from taskmanager.jobs import enqueue_after_commit
from taskmanager.orgs.models import Organization
from taskmanager.projects.models import Project
from taskmanager.tasks.models import Task


def _doomed_keys(session: Session) -> list[str]:
    keys: list[str] = []
    by_parent: dict[Any, list[int]] = {Task: [], Project: [], Organization: []}
    for obj in session.deleted:
        if isinstance(obj, Attachment):
            keys.append(obj.storage_key)
        for model, ids in by_parent.items():
            if isinstance(obj, model):
                ids.append(obj.id)
    conditions = []
    if by_parent[Task]:
        conditions.append(Attachment.task_id.in_(by_parent[Task]))
    if by_parent[Project]:
        conditions.append(
            Attachment.task_id.in_(select(Task.id).where(Task.project_id.in_(by_parent[Project])))
        )
    if by_parent[Organization]:
        conditions.append(Attachment.organization_id.in_(by_parent[Organization]))
    for condition in conditions:
        with session.no_autoflush:
            keys.extend(session.scalars(select(Attachment.storage_key).where(condition)))
    return sorted(set(keys))


@event.listens_for(Session, "before_flush")
def _queue_object_deletion(session: Session, flush_context: Any, instances: Any) -> None:
    if not session.deleted:
        return
    keys = _doomed_keys(session)
    if keys:
        from taskmanager.attachments.jobs import delete_stored_objects

        enqueue_after_commit(delete_stored_objects, keys=keys)
