"""The board page: a page of cards per column whatever the project's size, "Load more",
the poll answered 304 while nothing changed, and a move answered with the card."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import insert

from taskmanager import tenancy
from taskmanager.board import queries
from taskmanager.extensions import db
from taskmanager.tasks.models import Task
from tests.api.test_statement_counts import counted
from tests.conftest import post
from tests.factories import make_task


def board_url(team, suffix=""):
    return f"/o/{team.org.slug}/projects/{team.project.id}/board{suffix}"


def add_tasks(app, team, number, status="todo"):
    """``number`` plain tasks at the end of a column, inserted in one statement."""
    with app.app_context(), tenancy.system():
        start = db.session.query(db.func.count(Task.id)).scalar()
        db.session.execute(
            insert(Task),
            [
                {
                    "organization_id": team.org.id,
                    "project_id": team.project.id,
                    "title": f"Bulk {start + n}",
                    "description": "",
                    "status": status,
                    "priority": "normal",
                    "position": 1000 + start + n,
                    "version": 1,
                }
                for n in range(number)
            ],
        )
        db.session.commit()


def cards_in(html, status):
    section = html.split(f'data-status="{status}"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<article class="board-card"', section)


def statements_for(app, client, url, **kwargs):
    client.get(url, **kwargs)  # warm caches
    with counted(app) as seen:
        response = client.get(url, **kwargs)
    assert response.status_code in (200, 304)
    return len(seen), response


def test_a_column_shows_a_page_of_cards_and_a_link_to_the_next(app, team, as_user):
    add_tasks(app, team, queries.PAGE + 5)
    client = as_user(team.people["member"])
    page = client.get(board_url(team)).get_data(as_text=True)
    assert len(cards_in(page, "todo")) == queries.PAGE
    more = re.search(r'<a class="board-more" href="([^"]+)"', page)
    assert more, "a column with more cards offers the next ones"
    rest = client.get(more.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert len(re.findall(r'<article class="board-card"', rest)) == 6  # 1 + 35 - 30
    assert "Back to the board" in rest  # without JavaScript: a page of its own
    fragment = client.get(more.group(1).replace("&amp;", "&"), headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)  # with htmx: the cards alone


def test_the_board_costs_the_same_statements_for_ten_or_a_thousand_tasks(app, team, as_user):
    client = as_user(team.people["member"])
    add_tasks(app, team, 1, status="in_progress")
    add_tasks(app, team, 1, status="done")
    small, _ = statements_for(app, client, board_url(team))
    add_tasks(app, team, 1200)
    add_tasks(app, team, 300, status="done")
    large, response = statements_for(app, client, board_url(team))
    assert large == small
    html = response.get_data(as_text=True)
    assert len(cards_in(html, "todo")) == queries.PAGE
    assert "999+" in html  # counts stop at the cap instead of counting every row
    assert len(html) < 150_000


def test_an_idle_poll_is_answered_304_with_one_statement_for_the_change(app, team, as_user):
    client = as_user(team.people["member"])
    first = client.get(board_url(team, "/columns"))
    etag = first.headers["ETag"]
    assert first.status_code == 200 and "data-board" in first.get_data(as_text=True)
    count, again = statements_for(
        app, client, board_url(team, "/columns"), headers={"If-None-Match": etag}
    )
    assert again.status_code == 304 and again.get_data() == b""
    # The session's user and sign-in, the membership, the change marker with the project.
    assert count <= 4


def test_a_teammates_change_ends_the_304s(app, team, as_user):
    client = as_user(team.people["member"])
    etag = client.get(board_url(team, "/columns")).headers["ETag"]
    make_task(app, team.project, team.people["owner"], title="Added by a teammate")
    response = client.get(board_url(team, "/columns"), headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.headers["ETag"] != etag
    assert "Added by a teammate" in response.get_data(as_text=True)


def test_the_page_and_the_poll_share_the_etag(app, team, as_user):
    client = as_user(team.people["member"])
    page = client.get(board_url(team)).get_data(as_text=True)
    etag = unescape(re.search(r'data-etag="([^"]+)"', page).group(1))
    polled = client.get(board_url(team, "/columns"), headers={"If-None-Match": etag})
    assert polled.status_code == 304


def test_another_viewer_gets_another_etag(app, team, as_user):
    tags = {
        as_user(team.people[r]).get(board_url(team, "/columns")).headers["ETag"]
        for r in ("member", "viewer")
    }
    assert len(tags) == 2


def test_a_dropped_card_is_answered_with_the_card_and_the_counts(app, team, as_user):
    owner = team.people["owner"]
    second = make_task(app, team.project, owner, title="Second")
    client = as_user(owner)
    response = post(
        client, f"/o/{team.org.slug}/tasks/{second.id}/move",
        {"status": "in_progress", "position": 0, "version": second.version},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Redirect" not in response.headers
    assert f'id="task-{second.id}"' in html and 'data-version="2"' in html
    assert re.search(r'id="count-todo" hx-swap-oob="true">1<', html)
    assert re.search(r'id="count-in_progress" hx-swap-oob="true">1<', html)
    board = client.get(board_url(team)).get_data(as_text=True)  # survives a reload
    assert "Second" in "".join(
        board.split('data-status="in_progress"', 1)[1].split("</section>")[0]
    )


def test_a_refused_drop_answers_the_board_as_it_stands_with_the_reason(app, team, as_user):
    client = as_user(team.people["member"])
    stale = team.task.version
    post(
        client,
        f"/o/{team.org.slug}/tasks/{team.task.id}/move",
        {"status": "done", "version": stale},
    )
    response = post(
        client, f"/o/{team.org.slug}/tasks/{team.task.id}/move",
        {"status": "in_progress", "version": stale}, headers={"HX-Request": "true"},
    )  # fmt: skip
    assert response.headers["HX-Retarget"] == "#board"
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and "changed" in html
    done = html.split('data-status="done"', 1)[1]
    assert "Write the launch post" in done


def test_a_viewer_sees_cards_without_move_menus(app, team, as_user):
    html = as_user(team.people["viewer"]).get(board_url(team)).get_data(as_text=True)
    assert "Write the launch post" in html
    assert "board-move-form" not in html and 'draggable="true"' not in html


def test_cards_show_counts_labels_assignee_and_overdue(app, team, as_user):
    from datetime import timedelta

    from taskmanager.db import utcnow
    from taskmanager.tasks import comments
    from taskmanager.tasks.schemas import CommentFields

    owner = team.people["owner"]
    task = make_task(
        app, team.project, owner, title="Loaded card", priority="urgent",
        assignee_id=team.people["admin"].id, label_ids=[team.label.id],
        due_at=utcnow() - timedelta(days=2),
    )  # fmt: skip
    with app.app_context(), tenancy.system():
        from taskmanager.orgs.services import member
        from taskmanager.tasks.services import get_task

        actor = member(team.org.id, owner.id)
        for body in ("One", "Two"):
            comments.add_comment(
                actor=actor, task=get_task(team.org.id, task.id), data=CommentFields(body=body)
            )
    html = as_user(owner).get(board_url(team)).get_data(as_text=True)
    card = html.split(f'id="task-{task.id}"', 1)[1].split("</article>", 1)[0]
    assert 'data-priority="urgent"' in html and "Urgent" in card
    assert "Overdue" in card
    assert "AP" in card and "Assigned to Admin Person" in card  # initials
    assert team.label.name in card
    assert '2<span class="visually-hidden"> comments' in card


@pytest.mark.parametrize("path", ["", "/columns", "/todo"])
def test_another_organizations_board_is_404(app, team, as_user, make_user, path):
    from tests.factories import make_org
    from tests.factories import make_project

    stranger = make_user()
    org = make_org(app, stranger, name="Elsewhere")
    project = make_project(app, org)
    client = as_user(team.people["owner"])
    assert client.get(f"/o/{team.org.slug}/projects/{project.id}/board{path}").status_code == 404


@pytest.mark.parametrize("view", ["", "/board"])
def test_the_my_tasks_filter_shows_in_the_filter_form(app, team, as_user, view):
    # "My tasks" is ?assignee=me: the form must show it (and send it back with the next
    # filter), not "Anyone", which dropped it on the next press of Filter.
    page = as_user(team.people["member"]).get(
        f"/o/{team.org.slug}/projects/{team.project.id}{view}?assignee=me"
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r'<option value="me"\s+selected>Me</option>', html)
