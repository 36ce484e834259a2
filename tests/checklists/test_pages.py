"""The checklist on the task page, as plain forms (no JavaScript), and its progress on cards."""

import re

from tests.api.test_statement_counts import counted
from tests.conftest import post
from tests.factories import make_task
from tests.support.breakdown import add_items


def task_url(team, task_id=None):
    return f"/o/{team.org.slug}/tasks/{task_id or team.task.id}"


def test_add_tick_and_see_progress_on_the_task_board_and_list(app, team, as_user):
    client = as_user(team.people["member"])
    for title in ("Outline", "Proofread"):
        answer = post(client, f"{task_url(team)}/checklist", {"title": title, "assignee_id": ""})
        assert answer.status_code == 303
        assert answer.headers["Location"].endswith(f"{task_url(team)}#checklist")
    page = client.get(task_url(team)).get_data(as_text=True)
    assert "Outline" in page and "Proofread" in page and "0/2" in page
    item_id = re.search(r'id="checklist-item-(\d+)"', page).group(1)
    assert post(
        client, f"/o/{team.org.slug}/checklist/{item_id}/tick", {"done": "1"}
    ).status_code == (303)
    assert "1/2" in client.get(task_url(team)).get_data(as_text=True)
    board = client.get(f"/o/{team.org.slug}/projects/{team.project.id}/board").get_data(
        as_text=True
    )
    listing = client.get(f"/o/{team.org.slug}/projects/{team.project.id}").get_data(as_text=True)
    for page in (board, listing):
        assert re.search(r"data-checklist-progress>☑ 1/2<", page), page[:200]


def test_an_empty_title_shows_the_page_again_with_the_reason(app, team, as_user):
    client = as_user(team.people["member"])
    answer = post(client, f"{task_url(team)}/checklist", {"title": "  ", "due_on": "2026-12-24"})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Name the checklist item." in page
    assert 'value="2026-12-24"' in page  # what was typed is kept


def test_reorder_edit_convert_and_delete_without_javascript(app, team, as_user):
    owner = team.people["owner"]
    first, second = add_items(app, team.org, owner, team.task.id, "Draft", "Publish")
    client = as_user(team.people["admin"])
    base = f"/o/{team.org.slug}/checklist"
    post(client, f"{base}/{second.id}/move", {"direction": "up"})
    page = client.get(task_url(team)).get_data(as_text=True)
    assert page.index("Publish") < page.index("Draft")
    post(
        client,
        f"{base}/{first.id}",
        {"title": "Draft it", "assignee_id": str(owner.id), "due_on": ""},
    )
    assert "Draft it" in client.get(task_url(team)).get_data(as_text=True)

    assert post(client, f"{base}/{second.id}/convert").status_code == 303
    page = client.get(task_url(team)).get_data(as_text=True)
    new_id = re.search(r'href="/o/[^/]+/tasks/(\d+)" data-converted', page).group(1)
    new_page = client.get(task_url(team, new_id)).get_data(as_text=True)
    assert "From the checklist of" in new_page and "Write the launch post" in new_page

    post(client, f"{base}/{first.id}/delete")
    page = client.get(task_url(team)).get_data(as_text=True)
    assert "Removed “Draft it” from the checklist." in page
    assert f'id="checklist-item-{first.id}"' not in page


def test_a_viewer_sees_the_checklist_but_no_forms(app, team, as_user):
    add_items(app, team.org, team.people["owner"], team.task.id, "Read me")
    page = as_user(team.people["viewer"]).get(task_url(team)).get_data(as_text=True)
    assert "Read me" in page
    assert "Add to checklist" not in page and "/tick" not in page


def test_the_board_and_list_load_marks_in_constant_statements(app, team, as_user):
    client = as_user(team.people["owner"])
    board = f"/o/{team.org.slug}/projects/{team.project.id}/board"
    listing = f"/o/{team.org.slug}/projects/{team.project.id}"
    client.get(board)

    def statements(url):
        with counted(app) as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    few = {url: statements(url) for url in (board, listing)}
    for n in range(6):
        made = make_task(app, team.project, team.people["owner"], title=f"More {n}")
        add_items(app, team.org, team.people["owner"], made.id, "Step")
    assert {url: statements(url) for url in (board, listing)} == few
