"""The wire format of attachments: what the API shows of a file, and how one is sent."""

from __future__ import annotations

from datetime import datetime

from apiflask.fields import UploadFile
from pydantic import Field

from taskmanager.accounts.schemas import UserRef
from taskmanager.schemas import In
from taskmanager.schemas import Out


class AttachmentUpload(In):
    """Documentation of the multipart body; the view reads it as a stream (see uploads.py)."""

    file: UploadFile = Field(
        description="The file, as a part named file with its filename. Its type is read "
        "from its bytes; the part's Content-Type is ignored."
    )


class AttachmentOut(Out):
    id: int
    task_id: int
    filename: str = Field(description="The uploaded name, cleaned for display.")
    content_type: str = Field(description="Sniffed from the bytes, never taken from the client.")
    size: int = Field(description="Bytes.")
    sha256: str = Field(description="Hex SHA-256 of the bytes, to check a download.")
    width: int | None = Field(description="Pixels, for the images whose size could be read.")
    height: int | None
    previewable: bool = Field(
        description="A raster image (PNG, JPEG, GIF, WebP) of bounded size: the task page "
        "shows it inline. Every other file is only ever a download."
    )
    uploader: UserRef | None
    created_at: datetime
    download_url: str = Field(description="GET it for the bytes (or a redirect to them).")
