"""Saved views on the pages: save, one click from the project, share, edit, delete; My tasks."""

import re
from datetime import UTC
from datetime import datetime

from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.savedviews.models import SavedView
from tests.conftest import post
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task
from tests.support.content import make_view


def views_url(team):
    return f"/o/{team.org.slug}/projects/{team.project.id}/views"


def save(client, team, **fields):
    data = {"name": "Urgent bugs", "layout": "list", **fields}
    return post(client, views_url(team), data)


def stored_views(app):
    with app.app_context(), tenancy.system():
        return [
            (v.name, v.shared, v.layout, v.filters)
            for v in db.session.scalars(select(SavedView).order_by(SavedView.id))
        ]


def view_links(client, team):
    page = client.get(f"/o/{team.org.slug}/projects/{team.project.id}").get_data(as_text=True)
    bar = re.search(r'<nav class="tm-views".*?</nav>', page, re.S).group()
    return re.findall(r'href="([^"]+)"[^>]*>([^<]+)', bar)


def test_the_save_link_carries_the_filters_shown(team, as_user):
    client = as_user(team.people["member"])
    page = client.get(
        f"/o/{team.org.slug}/projects/{team.project.id}/board?status=todo&q=launch"
    ).get_data(as_text=True)
    link = re.search(r'href="([^"]+)">Save as view', page).group(1).replace("&amp;", "&")
    form = client.get(link).get_data(as_text=True)
    assert 'value="launch"' in form and 'value="todo" selected' in form
    assert 'value="board" checked' in form


def test_a_saved_view_is_one_click_from_the_project_page(app, team, as_user):
    client = as_user(team.people["member"])
    response = save(client, team, status="todo", q="launch", sort="due_at", label=team.label.id)
    assert response.status_code == 303
    assert stored_views(app) == [
        ("Urgent bugs", False, "list",
         {"status": "todo", "q": "launch", "sort": "due_at", "label": team.label.id}),
    ]  # fmt: skip
    links = dict((name, url) for url, name in view_links(client, team))
    opened = client.get(links["Urgent bugs"].replace("&amp;", "&"))
    page = opened.get_data(as_text=True)
    assert opened.status_code == 200 and 'aria-current="page">Urgent bugs' in page
    assert 'value="launch"' in page and "Edit “Urgent bugs”" in page


def test_a_private_view_is_nobody_elses(app, team, as_user):
    save(as_user(team.people["member"]), team)
    admin = as_user(team.people["admin"])
    assert "Urgent bugs" not in [name for _, name in view_links(admin, team)]
    (view_id,) = [v.id for v in _views(app)]
    assert admin.get(f"/o/{team.org.slug}/views/{view_id}/edit").status_code == 404
    assert post(admin, f"/o/{team.org.slug}/views/{view_id}/delete").status_code == 404


def _views(app):
    with app.app_context(), tenancy.system():
        found = list(db.session.scalars(select(SavedView)))
        for view in found:
            db.session.expunge(view)
        return found


def test_a_shared_view_shows_for_everyone_and_only_its_owner_changes_it(app, team, as_user):
    save(as_user(team.people["member"]), team, shared="1")
    (view,) = _views(app)
    viewer = as_user(team.people["viewer"])
    assert "Urgent bugs" in [name.strip() for _, name in view_links(viewer, team)]
    assert viewer.get(f"/o/{team.org.slug}/views/{view.id}/edit").status_code == 200
    response = post(viewer, f"/o/{team.org.slug}/views/{view.id}/edit", {"name": "Mine now"})
    assert response.status_code == 403
    assert post(viewer, f"/o/{team.org.slug}/views/{view.id}/delete").status_code == 403
    admin = as_user(team.people["admin"])
    assert post(admin, f"/o/{team.org.slug}/views/{view.id}/delete").status_code == 303
    assert _views(app) == []


def test_a_viewer_keeps_private_views_but_cannot_share(app, team, as_user):
    viewer = as_user(team.people["viewer"])
    assert save(viewer, team, name="Mine").status_code == 303
    assert save(viewer, team, name="Ours", shared="1").status_code == 403
    assert [name for name, *_ in stored_views(app)] == ["Mine"]


def test_the_owner_edits_a_view(app, team, as_user):
    client = as_user(team.people["member"])
    save(client, team, status="todo")
    (view,) = _views(app)
    response = post(
        client, f"/o/{team.org.slug}/views/{view.id}/edit",
        {"name": "Done lately", "layout": "board", "status": "done", "version": view.version},
    )  # fmt: skip
    assert response.status_code == 303
    assert f"/projects/{team.project.id}/board?" in response.headers["Location"]
    assert stored_views(app) == [("Done lately", False, "board", {"status": "done"})]


def test_a_refused_save_shows_the_form_again_as_typed(app, team, as_user):
    response = save(as_user(team.people["member"]), team, name="", q="kept words", status="nope")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="kept words"' in page and "Give the view a name." in page
    assert stored_views(app) == []


def test_a_bad_stored_filter_cannot_break_the_page(app, team, as_user):
    client = as_user(team.people["member"])
    save(client, team, q="launch")
    with app.app_context(), tenancy.system():
        view = db.session.scalar(select(SavedView))
        view.filters = {"q": "launch", "status": "someday", "blocked": "maybe", "label": "x"}
        view_id = view.id
        db.session.commit()
    links = dict((name, url) for url, name in view_links(client, team))
    page = client.get(links["Urgent bugs"].replace("&amp;", "&"))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Write the launch post" in text and "left out" in text
    assert client.get(f"/o/{team.org.slug}/views/{view_id}/edit").status_code == 200


def test_my_tasks_lists_my_open_tasks_everywhere_soonest_first(app, team, as_user, make_user):
    me = team.people["member"]
    owner = team.people["owner"]
    other = make_org(app, me, name="Side project")
    side = make_project(app, other, name="Garden")
    due = datetime(2030, 5, 1, 12, tzinfo=UTC)
    make_task(app, side, me, title="Water the plants", assignee_id=me.id, due_at=due)
    make_task(app, team.project, owner, title="Soonest", assignee_id=me.id,
              due_at=due.replace(month=4))  # fmt: skip
    make_task(app, team.project, owner, title="Undated", assignee_id=me.id)
    make_task(app, team.project, owner, title="Finished", assignee_id=me.id, status="done")
    make_task(app, team.project, owner, title="Not mine", assignee_id=owner.id)
    page = as_user(me).get("/my-tasks").get_data(as_text=True)
    titles = re.findall(r'class="fw-medium" href="[^"]+">([^<]+)<', page)
    assert titles == ["Soonest", "Water the plants", "Undated"]
    assert "Side project" in page and "Acme" in page


def test_another_organizations_view_is_404_on_every_page(app, team, as_user, make_user):
    stranger = make_user()
    rival = make_org(app, stranger, name="Rival")
    theirs = make_view(app, make_project(app, rival), stranger, name="Rival plans", shared=True)
    client = as_user(team.people["owner"])
    base = f"/o/{team.org.slug}/views/{theirs.id}"
    assert client.get(f"{base}/edit").status_code == 404
    assert post(client, f"{base}/edit", {"name": "Pwned"}).status_code == 404
    assert post(client, f"{base}/delete").status_code == 404
    page = client.get(f"/o/{team.org.slug}/projects/{team.project.id}?view={theirs.id}")
    assert "Rival plans" not in page.get_data(as_text=True)
    assert [name for name, *_ in stored_views(app)] == ["Rival plans"]
