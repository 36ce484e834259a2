"""Attachments: admit an upload, stream it to storage within the plan, list, delete.

Pages and the API call these same functions. An upload is checked twice against the
organization's plan (``billing.plans.limits_for``): against its declared length
before a byte is read, and while its bytes pass to storage, so a body that lies
about its length, or sends none, is cut at the limit. A refused upload leaves
nothing behind: not in storage, not in the database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select

from taskmanager.activity import services as activity
from taskmanager.attachments.content import HEAD_BYTES
from taskmanager.attachments.content import clean_filename
from taskmanager.attachments.content import sniff
from taskmanager.attachments.models import Attachment
from taskmanager.attachments.storage import current_storage
from taskmanager.attachments.storage import new_key
from taskmanager.billing.plans import limits_for
from taskmanager.errors import Forbidden
from taskmanager.errors import NotFound
from taskmanager.errors import PayloadTooLarge
from taskmanager.errors import PlanLimitReached
from taskmanager.errors import Unprocessable
from taskmanager.extensions import db
from taskmanager.orgs.models import Membership
from taskmanager.orgs.models import Organization
from taskmanager.policy import Action
from taskmanager.policy import can
from taskmanager.policy import require
from taskmanager.tasks.models import Task

# What a multipart body adds around its files: boundaries, part headers, a CSRF field.
FORM_OVERHEAD = 64 * 1024
# The page's form may carry several files in one request.
MAX_FILES_PER_FORM = 20


class FileTooLarge(PayloadTooLarge):
    default_message = "That file is larger than your plan allows."


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


@dataclass(frozen=True)
class Allowance:
    """How much one upload to an organization may bring; None is unlimited."""

    largest_file: int | None
    remaining: int | None

    def request_limit(self, *, files: int = 1) -> int | None:
        """The most a request carrying ``files`` files may send, form overhead included."""
        bounds = [
            bound
            for bound in (
                self.largest_file * files if self.largest_file is not None else None,
                self.remaining,
            )
            if bound is not None
        ]
        return min(bounds) + FORM_OVERHEAD if bounds else None

    def too_large(self) -> FileTooLarge:
        size = _megabytes(self.largest_file or 0)
        return FileTooLarge(
            f"Files on your plan can be up to {size}. Upgrade the plan for larger files.",
            details={"limit": "largest_file_bytes", "max_bytes": self.largest_file},
        )

    def storage_full(self) -> PlanLimitReached:
        return PlanLimitReached(
            "Your organization's attachment storage is full for its plan. Delete files "
            "you no longer need, or upgrade the plan.",
            details={"limit": "storage_bytes", "remaining_bytes": self.remaining},
        )


def storage_used(organization_id: int) -> int:
    """Bytes of attachments the organization stores."""
    used = db.session.scalar(
        select(func.coalesce(func.sum(Attachment.size), 0)).where(
            Attachment.organization_id == organization_id
        )
    )
    return int(used or 0)


@dataclass(frozen=True)
class Usage:
    """Attachment storage an organization uses, against its plan's limit (None: unlimited)."""

    used: int
    limit: int | None


def attachment_limits(organization: Organization) -> tuple[int | None, int | None]:
    """(largest file, storage) in bytes for ``organization``: its plan's, unless the
    deployment lifts them (TASKMANAGER_ATTACHMENTS_LARGEST_FILE_BYTES, ..._STORAGE_BYTES)."""
    plan = limits_for(organization)
    config = current_app.config
    largest = config.get("ATTACHMENTS_LARGEST_FILE_BYTES") or plan.largest_file_bytes
    storage = config.get("ATTACHMENTS_STORAGE_BYTES") or plan.storage_bytes
    return largest, storage


def usage(organization: Organization) -> Usage:
    return Usage(used=storage_used(organization.id), limit=attachment_limits(organization)[1])


def allowance(organization: Organization) -> Allowance:
    largest, storage = attachment_limits(organization)
    remaining = None
    if storage is not None:
        remaining = max(0, storage - storage_used(organization.id))
    return Allowance(largest_file=largest, remaining=remaining)


def admit(*, actor: Membership, declared_length: int | None, files: int = 1) -> Allowance:
    """Whether an upload may start, before its body is read.

    Raises:
        Forbidden: the role may not upload (viewers).
        FileTooLarge: one file declared larger than the plan's largest file.
        PlanLimitReached: declared larger than the storage the plan has left.
    """
    require(actor.role, Action.WRITE_TASKS)
    limits = allowance(actor.organization)
    if declared_length is not None:
        largest = limits.largest_file
        if files == 1 and largest is not None and declared_length > largest + FORM_OVERHEAD:
            raise limits.too_large()
        if limits.remaining is not None and declared_length > limits.remaining + FORM_OVERHEAD:
            raise limits.storage_full()
    return limits


class _Meter:
    """The chunks on their way to storage: counted, hashed, their head kept for sniffing.

    Raises (while iterated) FileTooLarge or PlanLimitReached the moment the count
    passes a limit, and ValidationFailed at the end of an empty file: storage then
    discards what it had written.
    """

    def __init__(self, chunks: Iterable[bytes], limits: Allowance) -> None:
        self.chunks = chunks
        self.limits = limits
        self.size = 0
        self.digest = hashlib.sha256()
        self.head = bytearray()

    def __iter__(self) -> Iterator[bytes]:
        largest, remaining = self.limits.largest_file, self.limits.remaining
        for chunk in self.chunks:
            self.size += len(chunk)
            if largest is not None and self.size > largest:
                raise self.limits.too_large()
            if remaining is not None and self.size > remaining:
                raise self.limits.storage_full()
            self.digest.update(chunk)
            if len(self.head) < HEAD_BYTES:
                self.head += chunk[: HEAD_BYTES - len(self.head)]
            yield chunk
        if self.size == 0:
            raise Unprocessable(
                "That file is empty. Choose a file with something in it.",
                details={"file": "The file is empty."},
            )


def add_attachment(
    *, actor: Membership, task: Task, filename: str | None, chunks: Iterable[bytes],
    limits: Allowance,
) -> Attachment:  # fmt: skip
    """Stream one file to storage and record it on ``task``; one transaction, after the bytes.

    ``limits`` is what ``admit`` answered for this request.

    Raises:
        Forbidden, FileTooLarge, PlanLimitReached: as for ``admit``, now counted.
        ValidationFailed: an empty file.
    """
    require(actor.role, Action.WRITE_TASKS)
    organization_id, task_id, uploader = task.organization_id, task.id, actor.user
    name = clean_filename(filename)
    key = new_key(organization_id)
    meter = _Meter(chunks, limits)
    # No transaction stays open (holding a connection) while a large file streams in.
    db.session.commit()
    storage = current_storage()
    storage.save(key, meter)
    try:
        organization = db.session.scalar(
            select(Organization).where(Organization.id == organization_id).with_for_update()
        )
        # Counted again under the organization's lock: two uploads racing for the last
        # megabytes cannot both win.
        if organization is None:
            raise NotFound("No such task.")
        storage_limit = attachment_limits(organization)[1]
        total = storage_used(organization_id) + meter.size
        if storage_limit is not None and total > storage_limit:
            raise allowance(organization).storage_full()
        sniffed = sniff(bytes(meter.head))
        attachment = Attachment(
            organization_id=organization_id,
            task_id=task_id,
            uploader_id=uploader.id,
            filename=name,
            storage_key=key,
            content_type=sniffed.content_type,
            size=meter.size,
            sha256=meter.digest.hexdigest(),
            width=sniffed.width,
            height=sniffed.height,
        )
        db.session.add(attachment)
        db.session.flush()
        activity.record(
            organization_id=organization_id, actor=uploader, verb="attachment.added",
            subject_type="attachment", subject_id=attachment.id, subject_title=name,
            task_id=task_id,
        )  # fmt: skip
        db.session.commit()
    except BaseException:
        db.session.rollback()
        storage.delete(key)
        raise
    return attachment


def get_attachment(organization_id: int, attachment_id: int) -> Attachment:
    found = db.session.get(Attachment, attachment_id)
    if found is None or found.organization_id != organization_id:
        raise NotFound("No such attachment.")
    return found


def attachments_query(task: Task) -> Select[Attachment]:
    """The task's attachments, oldest first (the API pages it in SQL)."""
    return (
        select(Attachment)
        .where(Attachment.task_id == task.id)
        .order_by(Attachment.created_at, Attachment.id)
    )


def list_for_task(task: Task) -> list[Attachment]:
    return list(db.session.scalars(attachments_query(task)))


def counts(task_ids: Iterable[int]) -> dict[int, int]:
    """How many attachments each task has, in one query."""
    ids = list(task_ids)
    if not ids:
        return {}
    query = (
        select(Attachment.task_id, func.count())
        .where(Attachment.task_id.in_(ids))
        .group_by(Attachment.task_id)
    )
    return {task_id: count for task_id, count in db.session.execute(query)}


def may_delete(actor: Membership, attachment: Attachment) -> bool:
    if can(actor.role, Action.DELETE_ANY_ATTACHMENT):
        return True
    return can(actor.role, Action.WRITE_TASKS) and attachment.uploader_id == actor.user_id


def delete_attachment(*, actor: Membership, attachment: Attachment) -> None:
    """Delete the row now; the stored object goes in a job after commit (see cleanup.py).

    Raises:
        Forbidden: neither its uploader (with a role that writes) nor an admin or owner.
    """
    if not may_delete(actor, attachment):
        raise Forbidden("Only the person who uploaded this file, or an admin, can delete it.")
    activity.record(
        organization_id=attachment.organization_id, actor=actor.user, verb="attachment.deleted",
        subject_type="attachment", subject_id=attachment.id, subject_title=attachment.filename,
        task_id=attachment.task_id,
    )  # fmt: skip
    db.session.delete(attachment)
    db.session.commit()
