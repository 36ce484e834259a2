"""Projects and comments carry an ETag (their version); a stale If-Match is 412.

If-Match is optional: without it a write applies to the current version (last write
wins), as for tasks. Clients that show an object before changing it send it.
"""

import pytest

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.projects.models import Project
from taskmanager.tasks.models import Comment


def stored_project(app, project_id):
    with app.app_context(), tenancy.system():
        project = db.session.get(Project, project_id)
        return None if project is None else (project.name, project.version)


def stored_comment(app, comment_id):
    with app.app_context(), tenancy.system():
        comment = db.session.get(Comment, comment_id)
        return None if comment is None else (comment.body, comment.version)


@pytest.fixture
def owner(team, api_as):
    return api_as(team.people["owner"])


@pytest.fixture
def comment(team, owner):
    response = owner.post(f"/tasks/{team.task.id}/comments", json={"body": "First thoughts"})
    assert response.status_code == 201
    return response


# --- projects ----------------------------------------------------------------------


def test_a_project_carries_its_version_as_etag(team, owner):
    response = owner.get(f"/projects/{team.project.id}")
    assert response.headers["ETag"] == '"1"'
    assert response.json["version"] == 1


def test_creating_a_project_answers_201_with_location_and_etag(team, owner):
    response = owner.post(f"/orgs/{team.org.id}/projects", json={"name": "Launch"})
    assert response.status_code == 201
    assert response.headers["Location"] == f"/api/v1/projects/{response.json['id']}"
    assert response.headers["ETag"] == '"1"'


def test_a_fresh_if_match_changes_the_project_and_its_etag_grows(team, owner):
    etag = owner.get(f"/projects/{team.project.id}").headers["ETag"]
    response = owner.patch(
        f"/projects/{team.project.id}", json={"name": "Site"}, headers={"If-Match": etag}
    )
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'
    assert response.json["version"] == 2
    assert owner.get(f"/projects/{team.project.id}").headers["ETag"] == '"2"'


def test_a_stale_if_match_on_a_project_is_412_and_changes_nothing(app, team, owner):
    path = f"/projects/{team.project.id}"
    etag = owner.get(path).headers["ETag"]
    owner.patch(path, json={"name": "Theirs"}, headers={"If-Match": etag})

    response = owner.patch(
        path, json={"name": "Mine", "archived": True}, headers={"If-Match": etag}
    )

    assert response.status_code == 412
    assert response.json["error"] == "precondition_failed"
    assert response.json["details"] == {"current_version": 2}
    assert stored_project(app, team.project.id) == ("Theirs", 2)
    assert owner.get(path).json["archived"] is False


def test_a_stale_if_match_on_deleting_a_project_is_412_and_keeps_it(app, team, owner):
    path = f"/projects/{team.project.id}"
    owner.patch(path, json={"description": "Changed meanwhile"})
    response = owner.delete(path, json={"confirm": team.project.name}, headers={"If-Match": '"1"'})
    assert response.status_code == 412
    assert stored_project(app, team.project.id) == (team.project.name, 2)


def test_a_fresh_if_match_deletes_the_project(app, team, owner):
    path = f"/projects/{team.project.id}"
    etag = owner.get(path).headers["ETag"]
    response = owner.delete(path, json={"confirm": team.project.name}, headers={"If-Match": etag})
    assert response.status_code == 204
    assert stored_project(app, team.project.id) is None


def test_without_if_match_the_last_project_write_wins(app, team, owner):
    path = f"/projects/{team.project.id}"
    owner.patch(path, json={"name": "First"})
    assert owner.patch(path, json={"name": "Second"}).status_code == 200
    assert stored_project(app, team.project.id) == ("Second", 3)
    assert owner.delete(path, json={"confirm": "Second"}).status_code == 204


def test_a_patch_that_changes_nothing_keeps_the_project_version(team, owner):
    path = f"/projects/{team.project.id}"
    response = owner.patch(path, json={"name": team.project.name}, headers={"If-Match": '"1"'})
    assert (response.status_code, response.headers["ETag"]) == (200, '"1"')


def test_archiving_bumps_the_project_version(team, owner):
    response = owner.patch(f"/projects/{team.project.id}", json={"archived": True})
    assert response.headers["ETag"] == '"2"'


# --- comments ----------------------------------------------------------------------


def test_a_new_comment_answers_201_with_location_and_etag(comment):
    assert comment.headers["Location"] == f"/api/v1/comments/{comment.json['id']}"
    assert comment.headers["ETag"] == '"1"'
    assert comment.json["version"] == 1


def test_a_fresh_if_match_edits_the_comment_and_its_etag_grows(app, owner, comment):
    path = f"/comments/{comment.json['id']}"
    response = owner.patch(
        path, json={"body": "Second thoughts"}, headers={"If-Match": comment.headers["ETag"]}
    )
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'
    assert (response.json["version"], response.json["edited"]) == (2, True)
    assert stored_comment(app, comment.json["id"]) == ("Second thoughts", 2)


def test_a_stale_if_match_on_a_comment_is_412_and_changes_nothing(app, team, api_as, comment):
    path = f"/comments/{comment.json['id']}"
    etag = comment.headers["ETag"]
    api_as(team.people["admin"]).patch(path, json={"body": "Moderated"}, headers={"If-Match": etag})

    response = api_as(team.people["owner"]).patch(
        path, json={"body": "Overwrite"}, headers={"If-Match": etag}
    )

    assert response.status_code == 412
    assert response.json["error"] == "precondition_failed"
    assert stored_comment(app, comment.json["id"]) == ("Moderated", 2)


def test_a_stale_if_match_on_deleting_a_comment_is_412_and_keeps_it(app, owner, comment):
    path = f"/comments/{comment.json['id']}"
    owner.patch(path, json={"body": "Edited meanwhile"})
    response = owner.delete(path, headers={"If-Match": comment.headers["ETag"]})
    assert response.status_code == 412
    assert stored_comment(app, comment.json["id"]) == ("Edited meanwhile", 2)


def test_a_fresh_if_match_deletes_the_comment(app, owner, comment):
    path = f"/comments/{comment.json['id']}"
    assert owner.delete(path, headers={"If-Match": '"1"'}).status_code == 204
    assert stored_comment(app, comment.json["id"]) is None


def test_without_if_match_the_last_comment_write_wins(app, owner, comment):
    path = f"/comments/{comment.json['id']}"
    owner.patch(path, json={"body": "One"})
    assert owner.patch(path, json={"body": "Two"}).headers["ETag"] == '"3"'
    assert owner.delete(path).status_code == 204


def test_comment_lists_show_each_version(team, owner, comment):
    owner.patch(f"/comments/{comment.json['id']}", json={"body": "Edited"})
    listed = owner.get(f"/tasks/{team.task.id}/comments").json["items"]
    assert [c["version"] for c in listed] == [2]


# --- the header itself -------------------------------------------------------------


@pytest.mark.parametrize("header", ['W/"1"', "1", "*"])
def test_if_match_accepts_a_weak_or_bare_etag_and_the_wildcard(team, owner, header):
    response = owner.patch(
        f"/projects/{team.project.id}", json={"name": "Renamed"}, headers={"If-Match": header}
    )
    assert response.status_code == 200


def test_an_if_match_that_cannot_be_an_etag_never_matches(app, team, owner, comment):
    headers = {"If-Match": '"not-a-version"'}
    assert (
        owner.patch(f"/projects/{team.project.id}", json={"name": "X"}, headers=headers).json[
            "error"
        ]
        == "precondition_failed"
    )
    assert owner.delete(f"/comments/{comment.json['id']}", headers=headers).status_code == 412
    assert stored_project(app, team.project.id) == (team.project.name, 1)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/projects/{project}", {"name": "N", "version": 7}),
        ("/comments/{comment}", {"body": "B", "version": 7}),
    ],
)
def test_a_version_in_the_body_is_refused(app, team, owner, comment, path, body):
    url = path.format(project=team.project.id, comment=comment.json["id"])
    response = owner.patch(url, json=body)
    assert response.status_code == 400
    assert stored_project(app, team.project.id) == (team.project.name, 1)
    assert stored_comment(app, comment.json["id"]) == ("First thoughts", 1)
