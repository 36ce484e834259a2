"""Inline edits in the task list: one field per post, the row back, stale versions said plainly."""

from taskmanager import tenancy
from taskmanager.activity.models import ActivityEvent
from taskmanager.extensions import db
from taskmanager.tasks.models import Task
from tests.conftest import post

HX = {"HX-Request": "true"}


def url(team, suffix):
    return f"/o/{team.org.slug}/tasks/{team.task.id}{suffix}"


def stored(app, team):
    with app.app_context(), tenancy.system():
        task = db.session.get(Task, team.task.id)
        return task.status, task.priority, task.assignee_id, task.due_at, task.version


def test_each_editable_cell_links_to_the_task_page_without_javascript(team, as_user):
    page = as_user(team.people["member"]).get(f"/o/{team.org.slug}/projects/{team.project.id}")
    html = page.get_data(as_text=True)
    for cell in ("status", "priority", "assignee", "due"):
        assert (
            f'href="/o/{team.org.slug}/tasks/{team.task.id}" hx-get="{url(team, "/cells/" + cell)}"'
            in html
        )


def test_a_viewer_sees_plain_cells(team, as_user):
    html = as_user(team.people["viewer"]).get(f"/o/{team.org.slug}/projects/{team.project.id}")
    assert "/cells/" not in html.get_data(as_text=True)


def test_a_cell_editor_without_htmx_is_the_task_page(team, as_user):
    response = as_user(team.people["member"]).get(url(team, "/cells/status"))
    assert response.status_code == 303
    assert response.location.endswith(f"/tasks/{team.task.id}")


def test_a_cell_editor_is_the_row_with_a_small_form(team, as_user):
    response = as_user(team.people["member"]).get(url(team, "/cells/priority"), headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="task-row-{team.task.id}"')
    assert '<select class="form-select form-select-sm" name="priority"' in html
    assert f'name="version" value="{team.task.version}"' in html


def test_an_unknown_cell_is_404(team, as_user):
    assert (
        as_user(team.people["member"]).get(url(team, "/cells/title"), headers=HX).status_code == 404
    )


def test_changing_the_status_in_place_answers_the_row_and_records_it(app, team, as_user):
    client = as_user(team.people["member"])
    response = post(client, url(team, "/inline"), {"status": "done", "version": "1"}, headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "tm-status-done" in html and "tm-row-saved" in html
    assert stored(app, team)[0] == "done"
    with app.app_context(), tenancy.system():
        change = (
            db.session.query(ActivityEvent)
            .filter_by(task_id=team.task.id, verb="task.updated")
            .one()
        )
        assert change.changes == {"status": ["todo", "done"]}


def test_assignee_priority_and_due_date_in_place(app, team, as_user):
    client = as_user(team.people["member"])
    admin = team.people["admin"]
    post(client, url(team, "/inline"), {"assignee_id": str(admin.id), "version": "1"}, headers=HX)
    post(client, url(team, "/inline"), {"priority": "urgent", "version": "2"}, headers=HX)
    post(client, url(team, "/inline"), {"due_date": "2026-12-24", "version": "3"}, headers=HX)
    _, priority, assignee, due, version = stored(app, team)
    assert (priority, assignee, version) == ("urgent", admin.id, 4)
    assert due.isoformat().startswith("2026-12-24T23:59")  # the member's zone is UTC
    post(client, url(team, "/inline"), {"due_date": "", "version": "4"}, headers=HX)
    post(client, url(team, "/inline"), {"assignee_id": "", "version": "5"}, headers=HX)
    assert stored(app, team)[2:4] == (None, None)


def test_a_stale_version_is_refused_and_the_row_shows_the_current_values(app, team, as_user):
    client = as_user(team.people["member"])
    post(client, url(team, "/inline"), {"status": "in_progress", "version": "1"}, headers=HX)
    response = post(client, url(team, "/inline"), {"status": "done", "version": "1"}, headers=HX)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Not saved: someone else changed this task a moment ago." in html
    assert "tm-status-in_progress" in html
    assert stored(app, team)[0] == "in_progress"


def test_a_bad_value_is_refused_in_the_row(app, team, as_user, other_team):
    client = as_user(team.people["member"])
    foreigner = other_team.owner.id
    response = post(
        client, url(team, "/inline"), {"assignee_id": str(foreigner), "version": "1"}, headers=HX
    )
    assert response.status_code == 422
    assert "Not saved: Assign the task to a member of this organization." in response.get_data(
        as_text=True
    )
    assert stored(app, team)[2] is None


def test_without_htmx_an_inline_post_goes_back_to_the_list_with_a_message(team, as_user):
    client = as_user(team.people["member"])
    response = post(client, url(team, "/inline"), {"priority": "high", "version": "1"})
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "Task saved." in page


def test_a_viewer_cannot_edit_in_place(app, team, as_user):
    response = post(
        as_user(team.people["viewer"]), url(team, "/inline"), {"status": "done"}, headers=HX
    )
    assert response.status_code == 403
    assert stored(app, team)[0] == "todo"


def test_another_organizations_task_is_404(team, as_user, other_team):
    client = as_user(team.people["member"])
    foreign = f"/o/{team.org.slug}/tasks/{other_team.task.id}"
    assert client.get(f"{foreign}/cells/status", headers=HX).status_code == 404
    assert post(client, f"{foreign}/inline", {"status": "done"}, headers=HX).status_code == 404
