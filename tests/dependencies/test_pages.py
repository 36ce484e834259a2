"""Dependencies on the task page, as plain forms (no JavaScript), and "Blocked" on cards."""

from tests.conftest import post
from tests.factories import make_project
from tests.factories import make_task
from tests.support.breakdown import link


def url(team, task_id):
    return f"/o/{team.org.slug}/tasks/{task_id}"


def test_find_link_and_see_the_badge_on_board_and_list(app, team, as_user):
    owner = team.people["owner"]
    design = make_task(app, make_project(app, team.org, name="Design"), owner, title="Pick colours")
    client = as_user(team.people["member"])
    found = client.get(url(team, team.task.id) + "?find=colours").get_data(as_text=True)
    assert "Pick colours" in found and "Blocks this" in found
    answer = post(client, f"{url(team, team.task.id)}/dependencies", {"blocked_by": str(design.id)})
    assert answer.status_code == 303
    page = client.get(url(team, team.task.id)).get_data(as_text=True)
    assert "data-blocked>Blocked<" in page and "Pick colours" in page
    other_side = client.get(url(team, design.id)).get_data(as_text=True)
    assert "Write the launch post" in other_side  # "Blocks" lists it
    for view in ("/board", ""):
        shown = client.get(f"/o/{team.org.slug}/projects/{team.project.id}{view}")
        assert "data-blocked>Blocked<" in shown.get_data(as_text=True), view


def test_a_typed_task_number_links_too(app, team, as_user):
    later = make_task(app, team.project, team.people["owner"], title="Announce")
    client = as_user(team.people["member"])
    post(client, f"{url(team, team.task.id)}/dependencies", {"blocks": f"#{later.id}"})
    assert "data-blocked>Blocked<" in client.get(url(team, later.id)).get_data(as_text=True)


def test_a_loop_is_shown_on_the_page_with_its_names(app, team, as_user):
    owner = team.people["owner"]
    before = make_task(app, team.project, owner, title="Research")
    link(app, team.org, owner, blocker=before.id, blocked=team.task.id)
    client = as_user(owner)
    answer = post(client, f"{url(team, team.task.id)}/dependencies", {"blocks": str(before.id)})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert (
        "That would make a loop: “Write the launch post” blocks “Research” blocks "
        "“Write the launch post”" in page
    )


def test_done_blockers_do_not_block_and_removing_a_link_works(app, team, as_user):
    owner = team.people["owner"]
    before = make_task(app, team.project, owner, title="Research")
    made = link(app, team.org, owner, blocker=before.id, blocked=team.task.id)
    client = as_user(owner)
    post(client, f"/o/{team.org.slug}/tasks/{before.id}/move", {"status": "done"})
    assert "data-blocked>" not in client.get(url(team, team.task.id)).get_data(as_text=True)
    answer = post(
        client, f"/o/{team.org.slug}/dependencies/{made.id}/delete", {"task_id": str(team.task.id)}
    )
    assert answer.status_code == 303
    assert "Nothing: this task can start any time." in client.get(url(team, team.task.id)).get_data(
        as_text=True
    )


def test_a_viewer_sees_links_but_cannot_change_them(app, team, as_user):
    owner = team.people["owner"]
    before = make_task(app, team.project, owner, title="Research")
    made = link(app, team.org, owner, blocker=before.id, blocked=team.task.id)
    client = as_user(team.people["viewer"])
    page = client.get(url(team, team.task.id)).get_data(as_text=True)
    assert "Research" in page and "Find a task to link" not in page
    assert post(client, f"/o/{team.org.slug}/dependencies/{made.id}/delete").status_code == 403
