"""Attachments through the API: upload (multipart, streamed), list, download, delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from typing import TypeVar

from apiflask import APIBlueprint
from apiflask.types import ResponsesObjectType
from flask import request
from werkzeug import Response

from taskmanager.api.bearer import bearer
from taskmanager.api.bearer import caller
from taskmanager.api.http import created
from taskmanager.api.http import paged
from taskmanager.api.http import responses
from taskmanager.attachments import services
from taskmanager.attachments.http import file_response
from taskmanager.attachments.http import limit_body
from taskmanager.attachments.http import only_file
from taskmanager.attachments.http import sandboxed
from taskmanager.attachments.models import Attachment
from taskmanager.attachments.schemas import AttachmentOut
from taskmanager.attachments.schemas import AttachmentUpload
from taskmanager.orgs import services as orgs
from taskmanager.orgs.models import Membership
from taskmanager.schemas import Page
from taskmanager.schemas import PageQuery
from taskmanager.tasks import services as tasks
from taskmanager.tasks.models import Task

bp = APIBlueprint("api_attachments", __name__, url_prefix="/api/v1", tag="Attachments")

F = TypeVar("F", bound=Callable[..., Any])

DOWNLOAD_RESPONSES: ResponsesObjectType = {
    200: {
        "description": "The file's bytes as application/octet-stream (its sniffed type is "
        "the attachment's content_type), a download: Content-Disposition: attachment, "
        "nosniff, a sandboxing Content-Security-Policy.",
        # Always opaque bytes: the attachment's content_type says what they are.
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    },
    302: {"description": "With S3 storage: a short-lived presigned URL that serves the file."},
    404: {"description": "Not Found"},
}


def streamed_multipart(schema: type[AttachmentUpload]) -> Callable[[F], F]:
    """Document a multipart body as ``@bp.input(..., location="files")`` would, without
    its parsing: that would spool the whole file before the view runs. The view reads
    the body itself, as a stream (``http.file_parts``)."""

    def decorator(view: F) -> F:
        documented: Any = bp.input(schema, location="files")(lambda **_: None)
        spec = getattr(view, "_spec", {})
        spec.update(body=documented._spec["body"], content_type=documented._spec["content_type"])
        view._spec = spec  # type: ignore[attr-defined]
        return view

    return decorator


def attachment_out(attachment: Attachment) -> AttachmentOut:
    fields = {
        name: getattr(attachment, name)
        for name in AttachmentOut.model_fields
        if name != "download_url"
    }
    fields["download_url"] = f"/api/v1/attachments/{attachment.id}"
    return AttachmentOut.model_validate(fields)


def _task(task_id: int) -> tuple[Membership, Task]:
    me = orgs.access_for(user=caller(), model=Task, object_id=task_id)
    return me, tasks.get_task(me.organization_id, task_id)


def _attachment(attachment_id: int) -> tuple[Membership, Attachment]:
    me = orgs.access_for(user=caller(), model=Attachment, object_id=attachment_id)
    return me, services.get_attachment(me.organization_id, attachment_id)


@bp.get("/tasks/<int:task_id>/attachments")
@bp.auth_required(bearer)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(Page[AttachmentOut])
@bp.doc(summary="A task's attachments, oldest first", responses=responses(404, headers=["Link"]))
def list_attachments(task_id: int, query: PageQuery) -> Any:
    return paged(
        services.attachments_query(_task(task_id)[1]), page=query.page, per_page=query.per_page,
        out=attachment_out,
    )  # fmt: skip


@bp.post("/tasks/<int:task_id>/attachments")
@bp.auth_required(bearer)
@streamed_multipart(AttachmentUpload)
@bp.output(AttachmentOut, status_code=201)
@bp.doc(
    summary="Attach a file to a task (members and up)",
    description="Send multipart/form-data with the file in the part named file. The body "
    "is streamed to storage, never held whole. Limits come from the organization's plan: "
    "a file over the plan's largest file is 413 (checked against Content-Length first, "
    "then while reading), and one that would pass the plan's storage is 402 "
    "plan_limit_reached. An empty file is 400. Idempotency-Key is not honoured here: "
    "a retry uploads again.",
    responses=responses(400, 402, 403, 404, 413, 415, 422, status=201, headers=["Location"]),
)
def upload(task_id: int) -> Any:
    me, task = _task(task_id)
    limits = services.admit(actor=me, declared_length=request.content_length)
    limit_body(request, limits)
    part = only_file(request)
    attachment = services.add_attachment(
        actor=me, task=task, filename=part.filename, chunks=part.chunks, limits=limits
    )
    return attachment_out(attachment), 201, created(f"/api/v1/attachments/{attachment.id}")


@bp.get("/attachments/<int:attachment_id>")
@bp.auth_required(bearer)
@bp.doc(
    summary="Download an attachment",
    description="Streams the file (or, with S3 storage, redirects to a presigned URL "
    "valid for a few minutes). Always a download, never rendered.",
    responses=DOWNLOAD_RESPONSES,
)
@sandboxed
def download(attachment_id: int) -> Response:
    return file_response(_attachment(attachment_id)[1], opaque=True)


@bp.delete("/attachments/<int:attachment_id>")
@bp.auth_required(bearer)
@bp.output({}, status_code=204)
@bp.doc(
    summary="Delete an attachment (its uploader, or an admin or owner)",
    description="The stored file is removed by a job right after.",
    responses=responses(403, 404),
)
def delete_attachment(attachment_id: int) -> tuple[str, int]:
    me, attachment = _attachment(attachment_id)
    services.delete_attachment(actor=me, attachment=attachment)
    return "", 204
