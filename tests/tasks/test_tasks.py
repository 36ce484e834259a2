import re

import pytest
from sqlalchemy import event
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.activity.models import ActivityEvent
from taskmanager.extensions import db
from taskmanager.tasks.models import Task
from tests.conftest import post
from tests.factories import make_label
from tests.factories import make_org
from tests.factories import make_task


def stored(app, task_id):
    with app.app_context(), tenancy.system():
        task = db.session.get(Task, task_id)
        db.session.expunge(task)
        return task


def edit(client, team, task, **fields):
    data = {"version": task.version, **fields}
    return post(client, f"/o/{team.org.slug}/tasks/{task.id}", data)


def test_an_edit_is_saved_and_recorded_in_the_history(app, team, as_user):
    client = as_user(team.people["member"])
    edit(client, team, team.task, title="Launch post, final", priority="high")
    task = stored(app, team.task.id)
    assert (task.title, task.priority) == ("Launch post, final", "high")
    page = client.get(f"/o/{team.org.slug}/tasks/{task.id}").get_data(as_text=True)
    assert "Write the launch post" in page and "Launch post, final" in page  # old -> new
    with app.app_context(), tenancy.system():
        event_ = db.session.scalars(
            select(ActivityEvent).where(ActivityEvent.task_id == task.id)
        ).all()[-1]
        assert event_.changes["priority"] == ["normal", "high"]


def test_a_stale_edit_is_refused_and_the_newer_change_survives(app, team, as_user):
    first, second = as_user(team.people["member"]), as_user(team.people["admin"])
    opened = team.task  # both opened the page at this version
    edit(first, team, opened, title="First writer wins")
    response = edit(second, team, opened, title="Second writer overwrites")
    assert response.status_code == 303
    assert stored(app, opened.id).title == "First writer wins"
    assert "Someone else changed this task" in second.get(
        f"/o/{team.org.slug}/tasks/{opened.id}"
    ).get_data(as_text=True)


def test_assigning_to_someone_outside_the_organization_is_refused(app, team, as_user, make_user):
    stranger = make_user()
    make_org(app, stranger, name="Elsewhere")
    edit(as_user(team.people["member"]), team, team.task, assignee_id=stranger.id)
    assert stored(app, team.task.id).assignee_id is None


def test_a_label_of_another_organization_is_refused(app, team, as_user, make_user):
    outsider_org = make_org(app, make_user(), name="Other")
    foreign = make_label(app, outsider_org, name="foreign")
    edit(as_user(team.people["member"]), team, team.task, labels_sent="1", label_ids=[foreign.id])
    with app.app_context(), tenancy.system():
        assert db.session.get(Task, team.task.id).labels == []


def test_due_date_is_read_in_the_users_time_zone(app, team, as_user):
    from taskmanager.accounts.models import User
    from taskmanager.accounts.schemas import MeUpdate
    from taskmanager.accounts.services import update_profile

    member = team.people["member"]
    with app.app_context():
        update_profile(
            user=db.session.get(User, member.id),
            data=MeUpdate(name="M", time_zone="America/New_York"),
        )
    edit(as_user(member), team, team.task, due_date="2026-07-01", due_time="09:30")
    assert stored(app, team.task.id).due_at.isoformat() == "2026-07-01T13:30:00+00:00"


def test_a_due_date_without_a_time_is_the_end_of_that_day_and_shows_no_time(app, team, as_user):
    client = as_user(team.people["member"])
    edit(client, team, team.task, due_date="2026-07-01", due_time="")
    # The member's zone is UTC: the end of the day is 23:59 there, not an office hour.
    assert stored(app, team.task.id).due_at.isoformat() == "2026-07-01T23:59:00+00:00"
    page = client.get(f"/o/{team.org.slug}/tasks/{team.task.id}").get_data(as_text=True)
    assert "2026-07-01 23:59" not in page and "2026-07-01" in page
    assert 'name="due_time" value=""' in page


def test_moving_a_card_with_the_plain_form_changes_its_column(app, team, as_user):
    client = as_user(team.people["member"])
    url = f"/o/{team.org.slug}/tasks/{team.task.id}/move"
    response = post(client, url, {"status": "in_progress", "version": team.task.version})
    assert response.status_code == 303
    assert stored(app, team.task.id).status == "in_progress"
    board = client.get(f"/o/{team.org.slug}/projects/{team.project.id}/board").get_data(
        as_text=True
    )
    in_progress = board.index('data-status="in_progress"')
    done = board.index('data-status="done"')
    assert in_progress < board.index("Write the launch post") < done


def test_moving_with_htmx_reorders_within_a_column(app, team, as_user):
    owner = team.people["owner"]
    second = make_task(app, team.project, owner, title="Second")
    client = as_user(owner)
    url = f"/o/{team.org.slug}/tasks/{second.id}/move"
    response = post(
        client,
        url,
        {"status": "todo", "position": 0, "version": second.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and f'id="task-{second.id}"' in response.get_data(
        as_text=True
    )
    # Positions are sort keys (see tasks/ordering.py): the second now sorts first, and
    # the first kept its key.
    assert stored(app, second.id).position < stored(app, team.task.id).position == 0


@pytest.mark.parametrize("field", ["title", "description", "comment", "label"])
def test_injected_markup_renders_inert(app, team, as_user, field):
    client = as_user(team.people["owner"])
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>[a](javascript:alert(1))'
    slug, task = team.org.slug, team.task
    if field == "comment":
        post(client, f"/o/{slug}/tasks/{task.id}/comments", {"body": payload})
    elif field == "label":
        post(client, f"/o/{slug}/labels", {"name": payload[:40], "color": "#112233"})
    else:
        edit(client, team, task, **{field: payload[:200]})
    for url in (
        f"/o/{slug}/tasks/{task.id}",
        f"/o/{slug}",
        f"/o/{slug}/projects/{team.project.id}",
    ):
        page = client.get(url).get_data(as_text=True)
        # Shown as text at most, never as live markup.
        assert "<script>alert" not in page
        assert "<img src=x onerror" not in page
        assert 'href="javascript:' not in page


def count_statements(app, client, url):
    statements = []
    with app.app_context():
        engine = db.engines[None]
    listener = lambda *args, **kwargs: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


@pytest.mark.parametrize("view", ["", "/board"])
def test_list_and_board_issue_the_same_statements_for_10_and_100_tasks(app, team, as_user, view):
    owner = team.people["owner"]
    client = as_user(owner)
    url = f"/o/{team.org.slug}/projects/{team.project.id}{view}?per_page=100"
    for _ in range(9):
        make_task(
            app,
            team.project,
            owner,
            assignee_id=team.people["member"].id,
            label_ids=[team.label.id],
        )
    few = count_statements(app, client, url)
    for _ in range(90):
        make_task(
            app,
            team.project,
            owner,
            assignee_id=team.people["member"].id,
            label_ids=[team.label.id],
        )
    many = count_statements(app, client, url)
    assert few == many


def test_text_search_finds_words_in_titles_and_descriptions(app, team, as_user):
    owner = team.people["owner"]
    make_task(app, team.project, owner, title="Invoice run", description="Quarterly billing cycle")
    make_task(app, team.project, owner, title="Unrelated chore")
    client = as_user(owner)
    page = client.get(f"/o/{team.org.slug}/projects/{team.project.id}?q=billing").get_data(
        as_text=True
    )
    assert "Invoice run" in page and "Unrelated chore" not in page


def test_filters_by_status_and_assignee(app, team, as_user):
    owner, member = team.people["owner"], team.people["member"]
    make_task(app, team.project, owner, title="Assigned one", assignee_id=member.id)
    client = as_user(owner)
    page = client.get(
        f"/o/{team.org.slug}/projects/{team.project.id}?assignee={member.id}&status=todo"
    ).get_data(as_text=True)
    assert "Assigned one" in page and "Write the launch post" not in page


def test_the_list_pager_shows_a_window_of_pages_not_every_page(app, team, as_user):
    for number in range(60):
        make_task(app, team.project, team.people["owner"], title=f"Task {number}")
    client = as_user(team.people["member"])
    url = f"/o/{team.org.slug}/projects/{team.project.id}?per_page=2&page=15"
    page = client.get(url).get_data(as_text=True)
    shown = {int(n) for n in re.findall(r'class="page-link" href="[^"]*page=(\d+)', page)}
    assert shown == {1, 2, 13, 14, 15, 16, 17, 30, 31}
    assert "…" in page
