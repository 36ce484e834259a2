"""CSV imports and exports, and the jobs that run them.

Starting either answers 202 Accepted at once with the job and its ``Location``; the
work happens in a Celery job, which the client polls until ``done`` or ``failed``.
The same services as the pages decide who may start what and who sees a job.
"""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from apiflask.types import ResponsesObjectType
from flask import Response

from taskmanager.api.bearer import bearer
from taskmanager.api.bearer import caller
from taskmanager.imports import services
from taskmanager.imports.models import Job
from taskmanager.imports.schemas import ExportIn
from taskmanager.imports.schemas import ImportIn
from taskmanager.imports.schemas import JobLocation
from taskmanager.imports.schemas import JobOut
from taskmanager.orgs import services as orgs
from taskmanager.projects import services as projects

bp = APIBlueprint("api_jobs", __name__, url_prefix="/api/v1", tag="Imports and exports")

ACCEPTED = "Accepted: the job is queued. Poll the job at Location until it is done or failed."
DOWNLOAD_RESPONSES: ResponsesObjectType = {
    200: {
        "description": "The exported tasks, as a CSV attachment.",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    },
    404: {"description": "No such job, someone else's, or an import (no file)"},
    409: {
        "description": "The export is not done (yet, or ever: it failed)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}},
    },
}


def job_out(job: Job) -> JobOut:
    out = JobOut.model_validate(job)
    if job.kind == "export" and job.state == "done":
        out.download_url = f"/api/v1/jobs/{job.id}/download"
    return out


def accepted(job: Job) -> tuple[JobOut, int, dict[str, str]]:
    return job_out(job), 202, {"Location": f"/api/v1/jobs/{job.id}"}


def _job(job_id: int) -> Job:
    me = orgs.access_for(user=caller(), model=Job, object_id=job_id)
    return services.get_job(actor=me, job_id=job_id)


@bp.post("/orgs/<int:org_id>/imports")
@bp.auth_required(bearer)
@bp.input(ImportIn, location="files", arg_name="data")
@bp.output(JobOut, status_code=202, description=ACCEPTED, headers=JobLocation)
@bp.doc(
    summary="Import tasks from a CSV file into a project (members and up)",
    description="Send multipart/form-data with the CSV in the field file. Every valid "
    "row becomes a task; each invalid one is listed in the job's errors with its line. "
    "A file that is not a readable task CSV (UTF-8, a title column) is refused at once "
    "(422); an import into an archived project is 409.",
    responses=[400, 403, 404, 409, 413, 415, 422],
)
def start_import(org_id: int, data: ImportIn) -> Any:
    me = orgs.access(user=caller(), org_id=org_id)
    project = projects.get_project(me.organization_id, data.project_id)
    return accepted(services.start_import(actor=me, project=project, content=data.file.read()))


@bp.post("/orgs/<int:org_id>/exports")
@bp.auth_required(bearer)
@bp.input(ExportIn, arg_name="data")
@bp.output(JobOut, status_code=202, description=ACCEPTED, headers=JobLocation)
@bp.doc(
    summary="Export a project's tasks as CSV",
    description="When the job is done its download_url serves the file.",
    responses=[400, 403, 404, 415],
)
def start_export(org_id: int, data: ExportIn) -> Any:
    me = orgs.access(user=caller(), org_id=org_id)
    project = projects.get_project(me.organization_id, data.project_id)
    return accepted(services.start_export(actor=me, project=project))


@bp.get("/jobs/<int:job_id>")
@bp.auth_required(bearer)
@bp.output(JobOut)
@bp.doc(
    summary="An import or export job: its state and progress",
    description="Only the person who started a job sees it; anyone else gets 404.",
    responses=[404],
)
def get_job(job_id: int) -> JobOut:
    return job_out(_job(job_id))


@bp.get("/jobs/<int:job_id>/download")
@bp.auth_required(bearer)
@bp.doc(
    summary="The CSV file of a finished export",
    responses=DOWNLOAD_RESPONSES,
)
def download(job_id: int) -> Response:
    job = _job(job_id)
    response = Response(services.export_file(job), mimetype="text/csv")
    filename = services.export_filename(job)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
