"""Which changes become webhook messages: the history entries the services record.

Every change a webhook reports (a task created, changed or deleted, a comment, a
member joining) is already written to the activity history by its service, in the
service's transaction. So rather than a second call next to each of those, the
history entries are watched as they are flushed: each one of a subscribed type
becomes one delivery per active endpoint that wants it, in the same transaction, and
its job is published only after that transaction commits (a rolled-back change
sends nothing). A new kind of event is one line in ``VERBS``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import has_app_context
from sqlalchemy import event
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy.orm import Session

from taskmanager import tenancy
from taskmanager.activity.models import ActivityEvent
from taskmanager.db import utcnow
from taskmanager.jobs import enqueue_after_commit
from taskmanager.orgs.models import Organization
from taskmanager.tasks.models import Comment
from taskmanager.tasks.models import Task
from taskmanager.webhooks import signing
from taskmanager.webhooks.jobs import deliver
from taskmanager.webhooks.jobs import payload
from taskmanager.webhooks.models import WebhookDelivery
from taskmanager.webhooks.models import WebhookEndpoint

# History verb -> webhook event type.
VERBS = {
    "task.created": "task.created",
    "task.repeated": "task.created",  # a repeating task's next occurrence
    "task.updated": "task.updated",
    "task.deleted": "task.deleted",
    "comment.added": "comment.created",
    "member.joined": "member.joined",
}
TASK_FIELDS = (
    "id", "project_id", "title", "description", "status", "priority", "due_at",
    "assignee_id", "created_by_id", "completed_at", "version", "created_at", "updated_at",
)  # fmt: skip
_NEW = "taskmanager_new_webhook_deliveries"


def _loaded(
    session: Session, model: type[Any], key: int, fields: tuple[str, ...]
) -> dict[str, Any]:
    """The fields of a row the session already holds, without loading anything."""
    found = session.identity_map.get(inspect(model).identity_key_from_primary_key((key,)))
    if found is None:
        return {}
    values = inspect(found).dict
    return {name: values[name] for name in fields if name in values}


def data_for(session: Session, entry: ActivityEvent) -> dict[str, Any]:
    """The message's ``data``: the subject as the change left it, and who made it."""
    data: dict[str, Any] = {"organization_id": entry.organization_id}
    if entry.subject_type == "task":
        task = _loaded(session, Task, entry.subject_id, TASK_FIELDS)
        data["task"] = task or {"id": entry.subject_id, "title": entry.subject_title}
    elif entry.subject_type == "comment":
        comment = _loaded(
            session, Comment, entry.subject_id, ("id", "task_id", "body", "created_at")
        )
        data["comment"] = comment or {"id": entry.subject_id, "task_id": entry.task_id}
    elif entry.subject_type == "member":
        role = (entry.changes or {}).get("role", [None, None])[1]
        data["member"] = {"user_id": entry.subject_id, "name": entry.subject_title, "role": role}
    if entry.changes and entry.verb != "member.joined":
        data["changes"] = {
            name: {"from": pair[0], "to": pair[1]} for name, pair in entry.changes.items()
        }
    data["actor"] = {"id": entry.actor_id} if entry.actor_id else None
    return data


def may_have_webhooks(session: Session, organization_id: int) -> bool:
    """False when the organization, loaded in this session, says it has no webhooks."""
    known = _loaded(session, Organization, organization_id, ("has_webhooks",))
    return bool(known.get("has_webhooks", True))


@event.listens_for(Session, "before_flush")
def _deliveries_for_history(session: Session, context: Any, instances: Any) -> None:
    if not has_app_context():
        return
    entries = [obj for obj in session.new if isinstance(obj, ActivityEvent)]
    if entries:
        queue_deliveries(session, entries)


def queue_deliveries(session: Session, entries: Sequence[ActivityEvent]) -> None:
    """Add a delivery of each history entry of a subscribed type to each endpoint that
    wants it; their jobs are published after the commit.

    The history entries flushed through the ORM come here by themselves; a writer that
    inserts an entry without the ORM (tasks/inserting.py) calls it with that entry.
    """
    entries = [entry for entry in entries if entry.verb in VERBS]
    if not entries:
        return
    # An organization loaded in this session (with the caller's membership) says
    # whether it has webhooks at all: most have none, and their writes query nothing.
    organizations = {
        entry.organization_id
        for entry in entries
        if may_have_webhooks(session, entry.organization_id)
    }
    if not organizations:
        return
    # The entries say which organizations; the query names them, so no scope is needed.
    with tenancy.system():
        endpoints = session.scalars(
            select(WebhookEndpoint).where(
                WebhookEndpoint.organization_id.in_(organizations), WebhookEndpoint.active
            )
        ).all()
    if not endpoints:
        return
    for entry in entries:
        event_type = VERBS[entry.verb]
        wanted = [
            e for e in endpoints
            if e.organization_id == entry.organization_id and event_type in e.events
        ]  # fmt: skip
        if not wanted:
            continue
        body = payload(event_type, data_for(session, entry))
        message_id = signing.new_message_id()
        for endpoint in wanted:
            delivery = WebhookDelivery(
                organization_id=endpoint.organization_id, endpoint_id=endpoint.id,
                message_id=message_id, event_type=event_type, body=body,
                next_attempt_at=utcnow(),
            )  # fmt: skip
            session.add(delivery)
            session.info.setdefault(_NEW, []).append(delivery)


@event.listens_for(Session, "after_flush")
def _publish_after_commit(session: Session, context: Any) -> None:
    for delivery in session.info.pop(_NEW, []):
        enqueue_after_commit(deliver, delivery_id=delivery.id, attempt=1)


@event.listens_for(Session, "after_rollback")
def _drop_unflushed(session: Session) -> None:
    session.info.pop(_NEW, None)
