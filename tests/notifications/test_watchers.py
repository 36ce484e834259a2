"""Following a task on its page: who follows by default, the button, isolation."""

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.notifications import watchers
from taskmanager.tasks.models import Task
from tests.conftest import post
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task
from tests.notifications.test_inbox import comment


def watcher_ids(app, task_id):
    with app.app_context(), tenancy.system():
        return [user.id for user in watchers.watchers_of(db.session.get(Task, task_id))]


def test_the_creator_the_assignee_and_commenters_follow_by_default(app, team, as_user):
    owner, member, admin = team.people["owner"], team.people["member"], team.people["admin"]
    task = make_task(app, team.project, owner, title="Followed", assignee_id=member.id)
    assert watcher_ids(app, task.id) == sorted([owner.id, member.id])
    comment(app, task, admin, "Me too")
    assert watcher_ids(app, task.id) == sorted([owner.id, member.id, admin.id])


def test_a_new_assignee_follows_the_task(app, team, as_user):
    member = team.people["member"]
    client = as_user(team.people["owner"])
    post(client, f"/o/{team.org.slug}/tasks/{team.task.id}", {
        "version": team.task.version, "assignee_id": member.id,
    })  # fmt: skip
    assert member.id in watcher_ids(app, team.task.id)


def test_the_task_page_follows_and_unfollows_without_javascript(app, team, as_user):
    viewer = team.people["viewer"]
    client = as_user(viewer)
    url = f"/o/{team.org.slug}/tasks/{team.task.id}"
    page = client.get(url).get_data(as_text=True)
    assert ">\n    Follow</button>" in page and "1 follower" in page

    response = post(client, f"{url}/watch", {"watching": "1"})
    assert response.status_code == 303 and response.location.endswith(url)
    page = client.get(url).get_data(as_text=True)
    assert "You follow this task" in page and "Following</button>" in page
    assert "2 followers" in page
    assert viewer.id in watcher_ids(app, team.task.id)

    post(client, f"{url}/watch", {"watching": "0"})
    assert viewer.id not in watcher_ids(app, team.task.id)


def test_the_follow_button_swaps_in_place_with_htmx(app, team, as_user):
    client = as_user(team.people["member"])
    url = f"/o/{team.org.slug}/tasks/{team.task.id}/watch"
    response = post(client, url, {"watching": "1"}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<form id="tm-watch"')
    assert "Following" in html and 'name="watching" value="0"' in html


def test_following_twice_or_unfollowing_twice_changes_nothing(app, team, as_user):
    client = as_user(team.people["member"])
    url = f"/o/{team.org.slug}/tasks/{team.task.id}/watch"
    for _ in range(2):
        assert post(client, url, {"watching": "1"}).status_code == 303
    assert watcher_ids(app, team.task.id).count(team.people["member"].id) == 1
    for _ in range(2):
        assert post(client, url, {"watching": "0"}).status_code == 303
    assert team.people["member"].id not in watcher_ids(app, team.task.id)


def test_a_removed_member_stops_counting_as_a_watcher(app, team, as_user):
    member, owner = team.people["member"], team.people["owner"]
    post(as_user(member), f"/o/{team.org.slug}/tasks/{team.task.id}/watch", {"watching": "1"})
    post(as_user(owner), f"/o/{team.org.slug}/members/{member.id}/remove", {})
    assert member.id not in watcher_ids(app, team.task.id)


def test_another_organizations_task_cannot_be_followed(app, team, as_user, make_user):
    stranger = make_user()
    org_b = make_org(app, stranger, name="Foreign")
    foreign = make_task(app, make_project(app, org_b), stranger, title="Foreign task")
    client = as_user(team.people["owner"])
    response = post(client, f"/o/{team.org.slug}/tasks/{foreign.id}/watch", {"watching": "1"})
    assert response.status_code == 404
    response = post(client, f"/o/{org_b.slug}/tasks/{foreign.id}/watch", {"watching": "1"})
    assert response.status_code == 404
    assert watcher_ids(app, foreign.id) == [stranger.id]
