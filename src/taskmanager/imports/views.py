"""Import and export pages: upload a CSV, watch the progress bar, download the result."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from werkzeug import Response

from taskmanager.errors import Conflict
from taskmanager.errors import ValidationFailed
from taskmanager.imports import services
from taskmanager.orgs.workspace import membership
from taskmanager.orgs.workspace import workspace
from taskmanager.projects import services as projects
from taskmanager.web import describe


@workspace.post("/projects/<int:project_id>/import")
def start_import(project_id: int) -> Response:
    me = membership()
    project = projects.get_project(me.organization_id, project_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("Choose a CSV file to import.", "danger")
        return redirect(url_for("org.project", project_id=project_id), 303)
    try:
        job = services.start_import(actor=me, project=project, content=upload.read())
    except (ValidationFailed, Conflict) as error:
        flash(describe(error), "danger")
        return redirect(url_for("org.project", project_id=project_id), 303)
    return redirect(url_for("org.job", job_id=job.id), 303)


@workspace.post("/projects/<int:project_id>/export")
def start_export(project_id: int) -> Response:
    me = membership()
    project = projects.get_project(me.organization_id, project_id)
    job = services.start_export(actor=me, project=project)
    return redirect(url_for("org.job", job_id=job.id), 303)


@workspace.get("/jobs/<int:job_id>")
def job(job_id: int) -> str:
    me = membership()
    found = services.get_job(actor=me, job_id=job_id)
    project = projects.get_project(me.organization_id, found.project_id)
    template = "imports/_progress.html" if request.headers.get("HX-Request") else "imports/job.html"
    return render_template(template, job=found, project=project, org=me.organization)


@workspace.get("/jobs/<int:job_id>/download")
def download(job_id: int) -> Response:
    me = membership()
    found = services.get_job(actor=me, job_id=job_id)
    try:
        content = services.export_file(found)
    except Conflict:
        flash("The export is not ready yet.", "danger")
        return redirect(url_for("org.job", job_id=job_id), 303)
    response = Response(content, mimetype="text/csv")
    filename = services.export_filename(found)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
