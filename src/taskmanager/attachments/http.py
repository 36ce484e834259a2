"""Attachments in HTTP terms, for the pages and the API alike: read an upload, send a file."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from typing import TypeVar

from flask import Request
from flask import redirect
from werkzeug import Response

from taskmanager.attachments import uploads
from taskmanager.attachments.content import content_disposition
from taskmanager.attachments.content import served_type
from taskmanager.attachments.models import Attachment
from taskmanager.attachments.services import Allowance
from taskmanager.attachments.storage import current_storage

F = TypeVar("F", bound=Callable[..., object])

# Whatever the bytes are, the browser must not run them as a page of ours.
SANDBOX = "default-src 'none'; sandbox"


def sandboxed(view: F) -> F:
    """Answer ``view``'s files with ``Content-Security-Policy: sandbox`` (flask-talisman
    sets the CSP header of every response; this is its per-view setting)."""
    view.talisman_view_options = {"content_security_policy": SANDBOX}  # type: ignore[attr-defined]
    return view


def limit_body(request: Request, limits: Allowance, *, files: int = 1) -> None:
    """This request's own body limit, from the plan (Flask 3.1's per-request setting).

    It overrides the app-wide MAX_CONTENT_LENGTH for this route only: a body past it,
    with or without Content-Length, is cut by Werkzeug with a 413.
    """
    request.max_content_length = limits.request_limit(files=files)


def file_parts(request: Request) -> Iterator[uploads.Part]:
    """The request's form parts as they stream in (raises MalformedUpload if not multipart)."""
    if request.mimetype != "multipart/form-data":
        raise uploads.MalformedUpload()
    return uploads.parts(request.stream, request.mimetype_params.get("boundary", ""))


def only_file(request: Request) -> uploads.Part:
    """The body's one part, named ``file`` with a filename; any other part is refused.

    A part after the file is found when the file's last chunk has been read, inside
    the storage write: the write fails and nothing is kept.

    Raises:
        MalformedUpload: no file part, or another part before or after it (400).
    """
    parts = file_parts(request)
    for part in parts:
        if part.name == "file" and part.filename is not None:
            return uploads.Part(part.name, part.filename, _then_nothing(part.chunks, parts))
        raise _unexpected(part)
    raise uploads.MalformedUpload(
        "Attach the file as a part named 'file', with its filename.",
        details={"file": "Send the file as a part named 'file', with a filename."},
    )


def _then_nothing(chunks: Iterator[bytes], parts: Iterator[uploads.Part]) -> Iterator[bytes]:
    yield from chunks
    extra = next(parts, None)
    if extra is not None:
        raise _unexpected(extra)


def _unexpected(part: uploads.Part) -> uploads.MalformedUpload:
    if part.name == "file":
        return uploads.MalformedUpload(
            "Send the file as a file part (with its filename) named 'file', and only one.",
            details={"file": "Send one file part named 'file', with a filename."},
        )
    return uploads.MalformedUpload(
        f"Send only the part named 'file'; {part.name[:50]!r} is not expected.",
        details={part.name[:50] or "body": "Unknown part: send only 'file'."},
    )


def file_response(
    attachment: Attachment, *, inline: bool = False, opaque: bool = False
) -> Response:
    """The file as a download (or inline, for a previewable image), with safe headers.

    ``opaque`` sends every file as ``application/octet-stream`` (the API, whose clients
    read the sniffed type from the attachment's ``content_type``).

    Local storage streams it, or hands it to nginx (X-Accel-Redirect) when configured;
    S3 answers a redirect to a short-lived presigned URL.
    """
    inline = inline and attachment.previewable
    content_type = attachment.content_type if inline else served_type(attachment.content_type)
    if opaque:
        content_type = "application/octet-stream"
    disposition = content_disposition(attachment.filename, inline=inline)
    delivery = current_storage().delivery(
        attachment.storage_key, content_type=content_type, disposition=disposition
    )
    if delivery.redirect_url is not None:
        response = redirect(delivery.redirect_url, 302)
    elif delivery.accel_path is not None:
        response = Response(status=200, content_type=content_type)
        response.headers["X-Accel-Redirect"] = delivery.accel_path
    else:
        response = Response(delivery.chunks, content_type=content_type, direct_passthrough=True)
        if delivery.size is not None:
            response.content_length = delivery.size
    response.headers["Content-Disposition"] = disposition
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Private: only those who may see the task may have a copy.
    response.headers["Cache-Control"] = "private, max-age=300" if inline else "private, no-store"
    return response
