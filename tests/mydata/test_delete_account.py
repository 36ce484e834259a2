"""Deleting an account: their content stays, as "deleted user"; the last owner must hand over."""

from __future__ import annotations

from taskmanager.tasks import comments
from taskmanager.tasks.schemas import CommentFields
from tests.conftest import post
from tests.factories import PASSWORD
from tests.factories import make_org


def test_the_last_owner_is_told_which_organizations_to_hand_over_first(
    app, team, api_as, as_user, make_user
):
    owner = team.people["owner"]
    make_org(app, owner, name="Solo venture")
    response = api_as(owner).delete("/me", json={"password": PASSWORD})
    assert response.status_code == 409
    assert "Acme" in response.json["message"] and "Solo venture" in response.json["message"]
    page = as_user(owner).get("/account/data").get_data(as_text=True)
    assert "You are the last owner of" in page and "Acme" in page
    refused = post(as_user(owner), "/account/data/delete", {"password": PASSWORD})
    assert refused.status_code == 422
    assert "Transfer ownership or delete them first" in refused.get_data(as_text=True)


def test_a_wrong_password_deletes_nothing(team, api_as, as_user):
    member = team.people["member"]
    assert api_as(member).delete("/me", json={"password": "not it"}).status_code == 422
    response = post(as_user(member), "/account/data/delete", {"password": "not it"})
    assert response.status_code == 422
    assert "That is not your password." in response.get_data(as_text=True)
    assert api_as(member).get("/me").status_code == 200


def test_after_deletion_the_tasks_and_history_read_deleted_user(app, team, api_as, as_user):
    member = team.people["member"]
    api = api_as(member)
    task = api.post(f"/projects/{team.project.id}/tasks", json={"title": "Left behind"}).json
    api.post(f"/tasks/{task['id']}/comments", json={"body": "Written before leaving"})
    browser = as_user(member)

    response = post(browser, "/account/data/delete", {"password": PASSWORD}, follow_redirects=True)
    assert "Your account is deleted" in response.get_data(as_text=True)

    # Every credential stopped working.
    assert api.get("/me").status_code == 401
    assert browser.get("/account/settings").status_code in (302, 303, 401)
    assert (
        app.test_client()
        .post("/api/v1/auth/tokens", json={"email": member.email, "password": PASSWORD})
        .status_code
        == 401
    )
    # The team still reads everything, attributed to "deleted user".
    owner = as_user(team.people["owner"])
    page = owner.get(f"/o/{team.org.slug}/tasks/{task['id']}").get_data(as_text=True)
    assert "Left behind" in page and "Written before leaving" in page
    assert "deleted user" in page and member.name not in page
    home = owner.get(f"/o/{team.org.slug}").get_data(as_text=True)
    assert "deleted user" in home and member.email not in home
    members = api_as(team.people["owner"]).get(f"/orgs/{team.org.id}/members").json
    assert member.id not in [m["user"]["id"] for m in members["items"]]
    activity = api_as(team.people["owner"]).get(f"/tasks/{task['id']}/activity").json
    assert activity["total"] >= 1


def test_a_member_deletes_their_account_through_the_api(app, team, api_as):
    viewer = team.people["viewer"]
    assert api_as(viewer).delete("/me", json={"password": PASSWORD}).status_code == 204
    members = api_as(team.people["owner"]).get(f"/orgs/{team.org.id}/members").json["items"]
    assert viewer.id not in [m["user"]["id"] for m in members]


def test_a_comment_author_who_left_still_shows_as_deleted_user(app, team, api_as, as_user):
    admin = team.people["admin"]
    from taskmanager import tenancy
    from taskmanager.extensions import db
    from taskmanager.orgs.services import member
    from taskmanager.tasks.models import Task

    with app.app_context(), tenancy.system():
        comments.add_comment(
            actor=member(team.org.id, admin.id), task=db.session.get(Task, team.task.id),
            data=CommentFields(body="Admin note"),
        )  # fmt: skip
    assert api_as(admin).delete("/me", json={"password": PASSWORD}).status_code == 204
    listed = api_as(team.people["owner"]).get(f"/tasks/{team.task.id}/comments").json
    assert any(c["body"] == "Admin note" for c in listed["items"])
