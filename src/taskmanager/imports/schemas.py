"""Wire format of imports, exports and the jobs that run them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from apiflask.fields import UploadFile
from pydantic import BaseModel
from pydantic import Field
from pydantic import field_validator
from werkzeug.datastructures import FileStorage

from taskmanager.db import MAX_ID
from taskmanager.schemas import In
from taskmanager.schemas import Out


class ImportIn(In):
    project_id: int = Field(ge=1, le=MAX_ID, description="The project the tasks go into.")
    file: UploadFile = Field(
        description="The CSV, UTF-8. Its first line names the columns: at least title; "
        "also description, status, priority, due_at, assignee_email, labels (;-separated)."
    )

    @field_validator("file", mode="before")
    @classmethod
    def _sent_as_a_file(cls, value: object) -> object:
        # A text field called "file", or a file part without a filename, is no upload.
        if not isinstance(value, FileStorage):
            raise ValueError("Attach the CSV as a file part named 'file', with its filename.")
        return value


class ExportIn(In):
    project_id: int = Field(ge=1, le=MAX_ID, description="The project whose tasks to export.")


class JobError(Out):
    row: int | None = Field(
        description="The CSV line the error is about (line 1 names the columns); "
        "null when it is about the whole job."
    )
    message: str


class JobOut(Out):
    id: int
    kind: Literal["import", "export"]
    state: Literal["queued", "running", "done", "failed"] = Field(
        description="queued, then running, then done or failed."
    )
    organization_id: int
    project_id: int
    done: int = Field(description="Rows processed so far.")
    total: int = Field(description="Rows to process (an export knows it once done).")
    percent: int
    errors: list[JobError] = Field(
        description="Rows that were skipped, with the reason; or why the job failed."
    )
    created_at: datetime
    finished_at: datetime | None
    download_url: str | None = Field(
        default=None, description="Where to get the CSV, once an export is done."
    )


class JobLocation(BaseModel):
    Location: str = Field(description="The job, to poll until its state is done or failed.")
