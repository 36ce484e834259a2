"""Notifications, following tasks and preferences through the API."""

from tests.factories import add_member
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task


def assign_three(app, team):
    member = team.people["member"]
    return [
        make_task(app, team.project, team.people["owner"], title=f"Item {n}", assignee_id=member.id)
        for n in range(3)
    ]


def test_my_notifications_are_paged_newest_first_with_the_unread_count(app, team, api_as):
    tasks = assign_three(app, team)
    api = api_as(team.people["member"])
    response = api.get("/notifications?per_page=2")
    assert response.status_code == 200
    body = response.json
    assert (body["total"], body["pages"], body["unread"]) == (3, 2, 3)
    first = body["items"][0]
    assert first["kind"] == "assigned" and first["text"] == "Olive Owner assigned you"
    assert first["task"]["id"] == tasks[-1].id and first["task"]["title"] == "Item 2"
    assert first["actor"]["name"] == "Olive Owner" and first["read_at"] is None
    assert first["url"].endswith(f"/o/{team.org.slug}/tasks/{tasks[-1].id}")
    assert 'rel="next"' in response.headers["Link"]
    # Listing reads nothing.
    assert api.get("/notifications").json["unread"] == 3


def test_marking_one_read_then_listing_the_unread(app, team, api_as):
    assign_three(app, team)
    api = api_as(team.people["member"])
    newest = api.get("/notifications").json["items"][0]
    response = api.post(f"/notifications/{newest['id']}/read")
    assert response.status_code == 200 and response.json["read_at"] is not None
    unread = api.get("/notifications?unread=true").json
    assert unread["total"] == 2 and unread["unread"] == 2
    assert newest["id"] not in [item["id"] for item in unread["items"]]
    assert api.post(f"/notifications/{newest['id']}/read").status_code == 200  # again: fine


def test_marking_all_read(app, team, api_as):
    assign_three(app, team)
    api = api_as(team.people["member"])
    assert api.post("/notifications/read").json == {"marked": 3, "unread": 0}
    assert api.get("/notifications?unread=1").json["total"] == 0
    # Without a body or a content type, as a plain client sends it.
    bare = api.client.post(
        "/api/v1/notifications/read", headers={"Authorization": f"Bearer {api.token}"}
    )
    assert bare.status_code == 200 and bare.json["marked"] == 0


def test_someone_elses_notification_is_404(app, team, api_as):
    assign_three(app, team)
    theirs = api_as(team.people["member"]).get("/notifications").json["items"][0]["id"]
    api = api_as(team.people["admin"])
    assert api.post(f"/notifications/{theirs}/read").status_code == 404
    assert api.get("/notifications").json["total"] == 0
    assert api_as(team.people["member"]).get("/notifications").json["unread"] == 3


def test_an_organization_left_takes_its_notifications_with_it(app, team, api_as, make_user):
    assign_three(app, team)
    member = team.people["member"]
    api = api_as(member)
    first = api.get("/notifications").json["items"][0]["id"]
    api_as(team.people["owner"]).delete(f"/orgs/{team.org.id}/members/{member.id}")
    assert api.get("/notifications").json == {
        "items": [], "total": 0, "page": 1, "per_page": 20, "pages": 1, "unread": 0,
    }  # fmt: skip
    assert api.post(f"/notifications/{first}/read").status_code == 404


def test_following_and_unfollowing_a_task(app, team, api_as):
    api = api_as(team.people["viewer"])
    task_id = team.task.id
    before = api.get(f"/tasks/{task_id}").json
    assert (before["watching"], before["watcher_count"]) == (False, 1)  # the creator

    response = api.request("PUT", f"/tasks/{task_id}/watch")
    assert response.status_code == 200
    assert response.json == {"task_id": task_id, "watching": True, "watcher_count": 2}
    assert api.request("PUT", f"/tasks/{task_id}/watch").json["watcher_count"] == 2
    after = api.get(f"/tasks/{task_id}").json
    assert (after["watching"], after["watcher_count"]) == (True, 2)
    listed = api.get(f"/projects/{team.project.id}/tasks").json["items"]
    assert [(t["watching"], t["watcher_count"]) for t in listed] == [(True, 2)]
    # The owner's view of the same task: followed by two, not by them... they created it.
    assert api_as(team.people["owner"]).get(f"/tasks/{task_id}").json["watching"] is True

    assert api.delete(f"/tasks/{task_id}/watch").json["watching"] is False
    assert api.get(f"/tasks/{task_id}/watch").json == {
        "task_id": task_id, "watching": False, "watcher_count": 1,
    }  # fmt: skip


def test_a_comment_through_the_api_notifies_the_watchers(app, team, api_as):
    api = api_as(team.people["member"])
    api.post(f"/tasks/{team.task.id}/comments", json={"body": "Done on my side"})
    items = api_as(team.people["owner"]).get("/notifications").json["items"]
    assert [(i["kind"], i["excerpt"]) for i in items] == [("commented", "Done on my side")]
    assert api.get(f"/tasks/{team.task.id}").json["watching"] is True  # commenters follow


def test_another_organizations_task_cannot_be_followed_or_asked_about(app, team, api_as, make_user):
    stranger = make_user()
    org_b = make_org(app, stranger, name="Other place")
    add_member(app, org_b, make_user(), "member")
    foreign = make_task(app, make_project(app, org_b), stranger)
    api = api_as(team.people["owner"])
    for method in ("GET", "PUT", "DELETE"):
        assert api.request(method, f"/tasks/{foreign.id}/watch").status_code == 404, method
    assert api_as(stranger).get(f"/tasks/{foreign.id}").json["watcher_count"] == 1


def test_me_shows_the_notification_preferences_patch_me_changes(team, api_as):
    api = api_as(team.people["member"])
    me = api.get("/me").json
    assert {key: me[key] for key in (
        "notify_assigned", "notify_mentions", "notify_watching", "reminder_hours", "weekly_summary"
    )} == {
        "notify_assigned": True, "notify_mentions": True, "notify_watching": True,
        "reminder_hours": 24, "weekly_summary": True,
    }  # fmt: skip
    changed = api.patch("/me", json={"notify_watching": False, "reminder_hours": 4}).json
    assert (changed["notify_watching"], changed["reminder_hours"]) == (False, 4)
    assert api.get("/me").json["notify_watching"] is False
    assert api.patch("/me", json={"notify_watching": "no"}).status_code == 400
