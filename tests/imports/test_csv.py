import io
import re
import time

from sqlalchemy import func
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.imports.jobs import run_export
from taskmanager.imports.jobs import run_import
from taskmanager.imports.models import Job
from taskmanager.tasks import ordering
from taskmanager.tasks.models import Task
from tests.conftest import csrf_token
from tests.factories import make_org
from tests.factories import make_project


def upload(client, team_or_slug, project_id, text):
    slug = getattr(team_or_slug, "slug", team_or_slug)
    data = {
        "csrf_token": csrf_token(client, "/account/settings"),
        "file": (io.BytesIO(text.encode()), "tasks.csv"),
    }
    return client.post(
        f"/o/{slug}/projects/{project_id}/import", data=data, content_type="multipart/form-data"
    )


def task_titles(app, project_id):
    with app.app_context(), tenancy.system():
        return set(db.session.scalars(select(Task.title).where(Task.project_id == project_id)))


def test_good_rows_are_imported_and_bad_ones_listed(app, team, as_user, enqueued):
    member = team.people["member"]
    csv_text = (
        "title,status,priority,due_at,assignee_email,labels\n"
        f"Alpha,todo,high,2026-12-01T09:00:00+00:00,{member.email},bug\n"
        ",todo,normal,,,\n"
        "Gamma,sideways,normal,,,\n"
        "Delta,done,low,,nobody@example.com,\n"
        "Epsilon,in_progress,urgent,not a date,,\n"
        "Zeta,todo,normal,,,unknown-label\n"
        "Eta,,,,,\n"
    )
    client = as_user(member)
    response = upload(client, team.org, team.project.id, csv_text)
    assert response.status_code == 303
    (_name, kwargs) = next(item for item in enqueued if item[0].endswith("run_import"))
    with app.app_context():
        run_import.run(**kwargs)  # the job's body; delivery through a worker is tested below

    assert task_titles(app, team.project.id) == {"Write the launch post", "Alpha", "Eta"}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 tasks imported, 5 rows skipped" in page
    for row in (3, 4, 5, 6, 7):
        assert f"Row {row}:" in page
    assert "nobody@example.com" in page and "unknown-label" in page


def test_a_file_that_is_not_a_task_csv_is_refused_with_the_expected_columns(app, team, as_user):
    client = as_user(team.people["member"])
    upload(client, team.org, team.project.id, "name;when\nx;y\n")
    page = client.get(f"/o/{team.org.slug}/projects/{team.project.id}").get_data(as_text=True)
    assert "must name the columns" in page and "title" in page


def test_a_viewer_cannot_import(app, team, as_user):
    response = upload(as_user(team.people["viewer"]), team.org, team.project.id, "title\nx\n")
    assert response.status_code == 403


def test_only_the_person_who_started_a_job_sees_it(app, team, as_user):
    started = upload(as_user(team.people["member"]), team.org, team.project.id, "title\nx\n")
    job_page = started.headers["Location"]

    assert as_user(team.people["member"]).get(job_page).status_code == 200
    assert as_user(team.people["owner"]).get(job_page).status_code == 404
    assert as_user(team.people["owner"]).get(job_page + "/download").status_code == 404


def test_a_file_the_csv_reader_chokes_on_is_refused_with_its_line(app, team, as_user):
    client = as_user(team.people["member"])
    upload(client, team.org, team.project.id, "title\nfine\n" + "x" * 200_000 + "\n")
    page = client.get(f"/o/{team.org.slug}/projects/{team.project.id}").get_data(as_text=True)
    assert "Line 3 cannot be read as CSV" in page


def test_export_produces_a_download_and_an_email(app, team, as_user, enqueued):
    client = as_user(team.people["member"])
    response = client.post(
        f"/o/{team.org.slug}/projects/{team.project.id}/export",
        data={"csrf_token": csrf_token(client, "/account/settings")},
    )
    (_name, kwargs) = next(item for item in enqueued if item[0].endswith("run_export"))
    with app.app_context():
        run_export.run(**kwargs)
    download = client.get(response.headers["Location"] + "/download")
    assert download.mimetype == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    assert "Write the launch post" in download.get_data(as_text=True)


def test_ten_thousand_rows_import_through_the_worker_with_progress(
    committed_app, worker, make_user, as_user
):
    owner = make_user()
    org = make_org(committed_app, owner, name="Bulk")
    project = make_project(committed_app, org)
    rows = "\n".join(f"Imported task {n},todo,normal" for n in range(10_000))
    client = as_user(owner)
    response = upload(client, org.slug, project.id, "title,status,priority\n" + rows + "\n")
    job_id = int(re.search(r"/jobs/(\d+)", response.headers["Location"]).group(1))

    seen = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        with committed_app.app_context(), tenancy.system():
            job = db.session.get(Job, job_id)
            seen.append((job.state, job.done))
            if job.state == "done":
                break
        time.sleep(0.2)
    assert seen[-1] == ("done", 10_000), seen[-5:]
    assert any(0 < done < 10_000 for _, done in seen), "no progress was reported along the way"
    with committed_app.app_context(), tenancy.system():
        count = db.session.scalar(select(func.count()).where(Task.project_id == project.id))
    assert count == 10_000


def archive(app, project_id):
    from taskmanager.projects.models import Project

    with app.app_context(), tenancy.system():
        db.session.get(Project, project_id).archived = True
        db.session.commit()


def test_an_import_into_an_archived_project_is_refused_with_a_clear_message(
    app, team, as_user, enqueued
):
    archive(app, team.project.id)
    client = as_user(team.people["member"])
    response = upload(client, team.org, team.project.id, "title\nLate arrival\n")

    assert response.status_code == 303
    assert not any(name.endswith("run_import") for name, _ in enqueued)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This project is archived; unarchive it to add tasks." in page
    assert "Late arrival" not in task_titles(app, team.project.id)


def test_rows_queued_before_the_project_was_archived_are_refused_not_added(
    app, team, as_user, enqueued
):
    client = as_user(team.people["member"])
    response = upload(client, team.org, team.project.id, "title\nLate arrival\n")
    archive(app, team.project.id)
    (_name, kwargs) = next(item for item in enqueued if item[0].endswith("run_import"))
    with app.app_context():
        run_import.run(**kwargs)

    assert "Late arrival" not in task_titles(app, team.project.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Row 2: This project is archived; unarchive it to add tasks." in page


def test_plain_and_common_dates_import_as_the_end_of_that_day_in_the_importers_zone(
    app, team, as_user, enqueued
):
    from taskmanager.accounts.models import User
    from taskmanager.accounts.schemas import MeUpdate
    from taskmanager.accounts.services import update_profile

    member = team.people["member"]
    with app.app_context():
        update_profile(
            user=db.session.get(User, member.id),
            data=MeUpdate(name="M", time_zone="Europe/Paris"),
        )
    csv_text = (
        "title,due_at\n"
        "Plain,2026-12-05\n"
        "Dotted,31.12.2026\n"
        "Words,5 Dec 2026\n"
        "With a time,2026-12-05 09:30\n"
        "Offset kept,2026-12-05T09:30:00+00:00\n"
        "Ambiguous,12/05/2026\n"
    )
    response = upload(as_user(member), team.org, team.project.id, csv_text)
    (_name, kwargs) = next(item for item in enqueued if item[0].endswith("run_import"))
    with app.app_context():
        run_import.run(**kwargs)

    with app.app_context(), tenancy.system():
        due = dict(
            db.session.execute(
                select(Task.title, Task.due_at).where(Task.project_id == team.project.id)
            ).all()
        )
    # Paris is UTC+1 in December: the end of the day there is 22:59 UTC.
    assert due["Plain"].isoformat() == "2026-12-05T22:59:00+00:00"
    assert due["Dotted"].isoformat() == "2026-12-31T22:59:00+00:00"
    assert due["Words"].isoformat() == "2026-12-05T22:59:00+00:00"
    assert due["With a time"].isoformat() == "2026-12-05T08:30:00+00:00"
    assert due["Offset kept"].isoformat() == "2026-12-05T09:30:00+00:00"
    assert "Ambiguous" not in due
    page = as_user(member).get(response.headers["Location"]).get_data(as_text=True)
    assert "Row 7:" in page and "2026-12-05" in page  # says which format works


def test_the_sample_file_offered_on_the_page_imports_every_row(app, team, as_user, enqueued):
    client = as_user(team.people["member"])
    page = client.get(f"/o/{team.org.slug}/projects/{team.project.id}").get_data(as_text=True)
    sample_url = re.search(r'href="([^"]*sample-tasks\.csv[^"]*)"', page).group(1)
    sample = client.get(sample_url).get_data(as_text=True)
    upload(client, team.org, team.project.id, sample)
    (_name, kwargs) = next(item for item in enqueued if item[0].endswith("run_import"))
    with app.app_context():
        run_import.run(**kwargs)
    rows = len(sample.strip().splitlines()) - 1
    assert len(task_titles(app, team.project.id)) == rows + 1  # and the team's own task


def test_imported_tasks_are_followed_by_the_importer_and_their_assignee(
    app, team, as_user, enqueued
):
    from taskmanager.notifications import watchers

    member, admin = team.people["member"], team.people["admin"]
    csv_text = f"title,assignee_email\nAssigned,{admin.email}\nUnassigned,\n"
    upload(as_user(member), team.org, team.project.id, csv_text)
    (_name, kwargs) = next(item for item in enqueued if item[0].endswith("run_import"))
    with app.app_context():
        run_import.run(**kwargs)
    with app.app_context(), tenancy.system():
        followers = {
            task.title: [user.id for user in watchers.watchers_of(task)]
            for task in db.session.scalars(
                select(Task).where(Task.title.in_(["Assigned", "Unassigned"]))
            )
        }
    assert followers == {
        "Assigned": sorted([member.id, admin.id]),
        "Unassigned": [member.id],
    }


def test_imported_tasks_go_after_the_column_a_gap_apart_in_file_order(app, team, as_user, enqueued):
    csv_text = "title,status,priority,due_at,assignee_email,labels\n" + "".join(
        f"{title},todo,,,,\n" for title in ("One", "Two", "Three")
    )
    assert upload(as_user(team.people["member"]), team.org, team.project.id, csv_text)
    (_name, kwargs) = next(item for item in enqueued if item[0].endswith("run_import"))
    with app.app_context():
        run_import.run(**kwargs)
    with app.app_context(), tenancy.system():
        column = db.session.execute(
            select(Task.title, Task.position)
            .where(Task.project_id == team.project.id, Task.status == "todo")
            .order_by(Task.position, Task.id)
        ).all()
    assert [tuple(row) for row in column] == [
        ("Write the launch post", 0), ("One", ordering.GAP),
        ("Two", 2 * ordering.GAP), ("Three", 3 * ordering.GAP),
    ]  # fmt: skip
