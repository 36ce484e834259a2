"""The "blocked" filter on the pages: the list, the board and saved views (the API's
lists and views: tests/api/test_task_marks.py)."""

import re

import pytest
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.savedviews.models import SavedView
from tests.conftest import post
from tests.support.breakdown import BLOCKED
from tests.support.breakdown import TITLES
from tests.support.breakdown import blocked_and_free


@pytest.fixture
def blocking(app, team):
    blocked_and_free(app, team)
    return team


def shown(page: str) -> set[str]:
    return {title for title in TITLES if f">{title}<" in page}


@pytest.mark.parametrize("view", ["", "/board"])
@pytest.mark.parametrize(("blocked", "expected"), [("true", BLOCKED), ("false", TITLES - BLOCKED)])
def test_the_list_and_the_board_filter_by_blocked(blocking, as_user, view, blocked, expected):
    team = blocking
    client = as_user(team.people["viewer"])
    url = f"/o/{team.org.slug}/projects/{team.project.id}{view}"
    assert shown(client.get(url).get_data(as_text=True)) == TITLES
    page = client.get(f"{url}?blocked={blocked}").get_data(as_text=True)
    assert shown(page) == expected
    assert f'value="{blocked}" selected' in page  # the filter form says what is applied


def test_a_bad_blocked_value_is_left_out_with_a_message(blocking, as_user):
    team = blocking
    client = as_user(team.people["member"])
    url = f"/o/{team.org.slug}/projects/{team.project.id}?blocked=sometimes"
    page = client.get(url).get_data(as_text=True)
    assert shown(page) == TITLES
    assert "Blocked: Choose true or false. It was left out." in page


def test_a_view_saved_from_the_form_keeps_blocked_and_opens_with_it(app, blocking, as_user):
    team = blocking
    client = as_user(team.people["member"])
    # The save link carries the filter shown; the form shows it chosen.
    board = client.get(f"/o/{team.org.slug}/projects/{team.project.id}/board?blocked=true")
    link_ = re.search(r'href="([^"]+)">Save as view', board.get_data(as_text=True)).group(1)
    form = client.get(link_.replace("&amp;", "&")).get_data(as_text=True)
    assert re.search(r'name="blocked">.*?value="true" selected>Blocked<', form, re.S)

    answer = post(
        client, f"/o/{team.org.slug}/projects/{team.project.id}/views",
        {"name": "Stuck", "layout": "list", "blocked": "true"},
    )  # fmt: skip
    assert answer.status_code == 303
    assert "blocked=true" in answer.headers["Location"]
    with app.app_context(), tenancy.system():
        saved = db.session.scalars(select(SavedView)).one()
        assert saved.filters == {"blocked": True}
        view_id = saved.id
    assert shown(client.get(answer.headers["Location"]).get_data(as_text=True)) == BLOCKED

    edit = client.get(f"/o/{team.org.slug}/views/{view_id}/edit").get_data(as_text=True)
    assert 'value="true" selected>Blocked<' in edit
    changed = post(
        client, f"/o/{team.org.slug}/views/{view_id}/edit",
        {"name": "Free to go", "layout": "board", "blocked": "false"},
    )  # fmt: skip
    assert changed.status_code == 303 and "blocked=false" in changed.headers["Location"]
    assert shown(client.get(changed.headers["Location"]).get_data(as_text=True)) == TITLES - BLOCKED
