"""CSV files are safe to open in a spreadsheet and import back as what was stored."""

import csv
import io
import re

import pytest

from taskmanager.imports.csvfile import neutralise
from taskmanager.imports.csvfile import restore
from taskmanager.imports.jobs import run_export
from taskmanager.imports.jobs import run_import
from tests.conftest import csrf_token
from tests.factories import make_task
from tests.imports.test_csv import task_titles
from tests.imports.test_csv import upload

FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\tindented",
    "'=already quoted by hand",
]


@pytest.mark.parametrize("value", [*FORMULAS, "plain", "", "'quoted", "a=b"])
def test_neutralising_and_restoring_give_back_the_value(value):
    assert restore(neutralise(value)) == value


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_cells_start_with_a_quote(value):
    assert neutralise(value).startswith("'")


def export(app, client, team):
    response = client.post(
        f"/o/{team.org.slug}/projects/{team.project.id}/export",
        data={"csrf_token": csrf_token(client, "/account/settings")},
    )
    return response.headers["Location"]


def test_exported_formulas_are_neutralised_and_import_back_unchanged(app, team, as_user, enqueued):
    owner = team.people["owner"]
    for title in FORMULAS[:4]:
        make_task(app, team.project, owner, title=title)
    client = as_user(team.people["member"])
    job_page = export(app, client, team)
    (_name, kwargs) = next(item for item in enqueued if item[0].endswith("run_export"))
    with app.app_context():
        run_export.run(**kwargs)
    content = client.get(job_page + "/download").get_data(as_text=True)
    titles = [row["title"] for row in csv.DictReader(io.StringIO(content))]
    for title in FORMULAS[:4]:
        assert "'" + title in titles
        assert title not in titles

    from tests.factories import make_project

    target = make_project(app, team.org, name="Copy")
    enqueued.clear()
    upload(client, team.org, target.id, content)
    (_name, kwargs) = next(item for item in enqueued if item[0].endswith("run_import"))
    with app.app_context():
        run_import.run(**kwargs)
    assert task_titles(app, target.id) >= set(FORMULAS[:4])


def test_import_answers_the_same_for_a_stranger_and_an_unknown_address(
    app, team, as_user, enqueued, make_user
):
    stranger = make_user(email="registered-elsewhere@example.com")
    client = as_user(team.people["member"])
    pages = {}
    for email in (stranger.email, "never-registered@example.com"):
        enqueued.clear()
        response = upload(client, team.org, team.project.id, f"title,assignee_email\nOne,{email}\n")
        (_name, kwargs) = next(item for item in enqueued if item[0].endswith("run_import"))
        with app.app_context():
            run_import.run(**kwargs)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        (error,) = re.findall(r"Row 2:[^<]*", page)
        pages[email] = error.replace(email, "EMAIL")
    known, unknown = pages.values()
    assert known == unknown
