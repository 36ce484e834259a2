"""Imports, exports and their jobs through the API, as a mobile app or a script uses them."""

import io
import time

import pytest
from sqlalchemy import func
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.imports.jobs import run_export
from taskmanager.imports.jobs import run_import
from taskmanager.imports.models import Job
from taskmanager.policy import POLICY
from taskmanager.policy import Action
from taskmanager.policy import Role
from tests.factories import make_org
from tests.factories import make_project

JOBS = "taskmanager.imports.jobs."


def upload(api, org_id, project_id, content, *, filename="tasks.csv"):
    if isinstance(content, str):
        content = content.encode()
    data = {"project_id": str(project_id), "file": (io.BytesIO(content), filename, "text/csv")}
    return api.request(
        "POST", f"/orgs/{org_id}/imports", data=data, content_type="multipart/form-data"
    )


def job_count(app):
    with app.app_context(), tenancy.system():
        return db.session.scalar(select(func.count()).select_from(Job))


def job_runs(enqueued):
    """The import and export jobs published (invitations publish emails too)."""
    return [(name, kwargs) for name, kwargs in enqueued if name.startswith(JOBS)]


def run_enqueued(app, enqueued):
    """Run the published job in this process (a worker is tested at the top)."""
    name, kwargs = job_runs(enqueued)[-1]
    with app.app_context():
        {"import": run_import, "export": run_export}[name.rsplit("_", 1)[1]].run(**kwargs)


def test_an_uploaded_csv_is_accepted_then_imported_by_the_worker(
    committed_app, worker, make_user, api_as
):
    owner = make_user()
    org = make_org(committed_app, owner, name="Uploads")
    project = make_project(committed_app, org)
    api = api_as(owner)

    response = upload(api, org.id, project.id, "title,priority\nFirst,high\nSecond,low\n")

    assert response.status_code == 202, response.json
    job = response.json
    assert response.headers["Location"] == f"/api/v1/jobs/{job['id']}"
    assert (job["kind"], job["total"], job["project_id"]) == ("import", 2, project.id)
    deadline = time.monotonic() + 60
    while job["state"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.1)
        job = api.get(response.headers["Location"].removeprefix("/api/v1")).json
    assert (job["state"], job["done"], job["errors"]) == ("done", 2, [])
    assert job["finished_at"] is not None
    tasks = api.get(f"/projects/{project.id}/tasks?sort=title").json["items"]
    assert [(t["title"], t["priority"]) for t in tasks] == [("First", "high"), ("Second", "low")]


def test_rows_that_cannot_be_tasks_are_listed_with_their_line(team, api_as, enqueued, app):
    api = api_as(team.people["member"])
    started = upload(api, team.org.id, team.project.id, "title,status\nGood,todo\nBad,sideways\n")
    run_enqueued(app, enqueued)

    job = api.get(f"/jobs/{started.json['id']}").json

    assert (job["state"], job["done"], job["total"], job["percent"]) == ("done", 2, 2, 100)
    assert [error["row"] for error in job["errors"]] == [3]
    assert "status" in job["errors"][0]["message"]


@pytest.mark.parametrize(
    ("content", "hint"),
    [
        (b"\xff\xfe\x00t\x00i\x00t\x00l\x00e", "UTF-8"),
        ("name;when\nx;y\n", "at least 'title'"),
        ("", "at least 'title'"),
        ("title\n" + "x" * 200_000 + "\n", "Line 2 cannot be read as CSV"),
        ("title\nfine\nA\x00B\n", "Line 3 holds a NUL byte"),
    ],
    ids=["utf-16", "no title column", "empty", "field too large", "NUL"],
)
def test_a_file_that_is_not_a_task_csv_is_refused_and_starts_nothing(
    app, team, api_as, enqueued, content, hint
):
    response = upload(api_as(team.people["member"]), team.org.id, team.project.id, content)

    assert response.status_code == 422
    assert response.json["error"] == "validation_error"
    assert hint in response.json["message"]
    assert (job_count(app), job_runs(enqueued)) == (0, [])


def test_an_upload_without_its_file_or_project_is_a_validation_error(team, api_as):
    api = api_as(team.people["member"])
    no_file = api.request(
        "POST",
        f"/orgs/{team.org.id}/imports",
        data={"project_id": str(team.project.id)},
        content_type="multipart/form-data",
    )
    no_project = api.request(
        "POST",
        f"/orgs/{team.org.id}/imports",
        data={"file": (io.BytesIO(b"title\nx\n"), "tasks.csv")},
        content_type="multipart/form-data",
    )

    assert (no_file.status_code, no_file.json["error"]) == (400, "validation_error")
    assert "Attach the CSV as a file" in no_file.json["details"]["file"]
    assert (no_project.status_code, no_project.json["error"]) == (400, "validation_error")
    assert "project_id" in no_project.json["details"]


def test_an_upload_over_the_size_limit_is_413_and_starts_nothing(app, team, api_as, enqueued):
    # The same limit as the import page: the app's MAX_CONTENT_LENGTH.
    too_big = b"title\n" + b"x" * app.config["MAX_CONTENT_LENGTH"]

    response = upload(api_as(team.people["member"]), team.org.id, team.project.id, too_big)

    assert response.status_code == 413
    assert response.json["error"] == "payload_too_large"
    assert (job_count(app), job_runs(enqueued)) == (0, [])


def test_a_json_body_to_the_import_is_415(team, api_as):
    api = api_as(team.people["member"])
    response = api.post(f"/orgs/{team.org.id}/imports", json={"project_id": team.project.id})

    assert response.status_code == 415
    assert response.json["error"] == "unsupported_media_type"
    assert "multipart/form-data" in response.json["message"]


def test_multipart_is_refused_where_it_is_not_declared(team, api_as):
    api = api_as(team.people["member"])
    response = api.request(
        "POST",
        f"/projects/{team.project.id}/tasks",
        data={"title": "Sneaky"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 415


@pytest.mark.parametrize("role", list(Role))
def test_who_may_import_follows_the_policy_table(app, team, api_as, enqueued, role):
    response = upload(api_as(team.people[role.value]), team.org.id, team.project.id, "title\nx\n")

    allowed = Action.WRITE_TASKS in POLICY[role]
    assert response.status_code == (202 if allowed else 403), response.json
    assert job_count(app) == (1 if allowed else 0)


def test_another_organizations_org_or_project_is_404(app, team, other_team, api_as, enqueued):
    api = api_as(team.people["owner"])
    into_their_org = upload(api, other_team.org.id, other_team.project.id, "title\nx\n")
    into_their_project = upload(api, team.org.id, other_team.project.id, "title\nx\n")
    export_theirs = api.post(
        f"/orgs/{team.org.id}/exports", json={"project_id": other_team.project.id}
    )

    assert into_their_org.status_code == 404
    assert into_their_project.status_code == 404
    assert export_theirs.status_code == 404
    assert (job_count(app), job_runs(enqueued)) == (0, [])


def test_only_the_person_who_started_a_job_sees_it(team, other_team, api_as):
    mine = upload(api_as(team.people["member"]), team.org.id, team.project.id, "title\nx\n")
    location = mine.headers["Location"].removeprefix("/api/v1")

    assert api_as(team.people["member"]).get(location).status_code == 200
    for someone_else in (team.people["owner"], team.people["admin"], other_team.owner):
        api = api_as(someone_else)
        assert api.get(location).status_code == 404
        assert api.get(f"{location}/download").status_code == 404


def test_an_export_is_downloaded_once_it_is_done(app, team, api_as, enqueued):
    api = api_as(team.people["viewer"])  # exporting only reads
    started = api.post(f"/orgs/{team.org.id}/exports", json={"project_id": team.project.id})
    assert started.status_code == 202
    location = started.headers["Location"].removeprefix("/api/v1")
    early = api.get(f"{location}/download")
    assert (early.status_code, early.json["error"]) == (409, "conflict")

    run_enqueued(app, enqueued)
    job = api.get(location).json
    download = api.get(job["download_url"].removeprefix("/api/v1"))

    assert (job["kind"], job["state"], job["total"]) == ("export", "done", 1)
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "Write the launch post" in download.get_data(as_text=True)


def test_an_import_has_nothing_to_download(team, api_as):
    api = api_as(team.people["member"])
    started = upload(api, team.org.id, team.project.id, "title\nx\n")

    assert started.json["download_url"] is None
    assert api.get(f"/jobs/{started.json['id']}/download").status_code == 404


def test_the_openapi_document_describes_uploads_and_jobs(client):
    spec = client.get("/api/v1/openapi.json").json
    start = spec["paths"]["/api/v1/orgs/{org_id}/imports"]["post"]
    body = start["requestBody"]["content"]["multipart/form-data"]["schema"]
    upload_schema = spec["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert upload_schema["properties"]["file"]["format"] == "binary"
    assert set(upload_schema["required"]) == {"file", "project_id"}
    assert "Location" in start["responses"]["202"]["headers"]
    assert {"400", "401", "403", "404", "413", "415"} <= set(start["responses"])
    assert "/api/v1/jobs/{job_id}" in spec["paths"]
    download = spec["paths"]["/api/v1/jobs/{job_id}/download"]["get"]
    assert "text/csv" in download["responses"]["200"]["content"]


def test_an_import_into_an_archived_project_is_409_and_starts_nothing(app, team, api_as, enqueued):
    from taskmanager.projects.models import Project

    with app.app_context(), tenancy.system():
        db.session.get(Project, team.project.id).archived = True
        db.session.commit()

    response = upload(api_as(team.people["member"]), team.org.id, team.project.id, "title\nx\n")

    assert (response.status_code, response.json["error"]) == (409, "conflict")
    assert "archived" in response.json["message"]
    assert (job_count(app), job_runs(enqueued)) == (0, [])
