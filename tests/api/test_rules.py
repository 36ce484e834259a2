"""Business rules the pages ask for hold through the API too: the services decide."""


def test_deleting_a_project_needs_its_name_through_the_api_too(app, team, api_as):
    owner = api_as(team.people["owner"])
    path = f"/projects/{team.project.id}"

    unconfirmed = owner.delete(path, json={})
    mistyped = owner.delete(path, json={"confirm": "website"})

    assert (unconfirmed.status_code, unconfirmed.json["error"]) == (400, "validation_error")
    assert "confirm" in unconfirmed.json["details"]
    # The body fits the document; the name it must hold is stored data: 422.
    assert (mistyped.status_code, mistyped.json["error"]) == (422, "validation_error")
    assert mistyped.json["message"] == 'Type the project name "Website" to confirm.'
    assert owner.get(path).status_code == 200
    assert owner.delete(path, json={"confirm": "Website"}).status_code == 204
    assert owner.get(path).status_code == 404


def test_members_delete_only_their_own_tasks_through_the_api_too(team, api_as):
    member = api_as(team.people["member"])
    refused = member.delete(f"/tasks/{team.task.id}")  # the owner created it
    assert (refused.status_code, refused.json["error"]) == (403, "forbidden")
    mine = member.post(f"/projects/{team.project.id}/tasks", json={"title": "Mine"}).json
    assert member.delete(f"/tasks/{mine['id']}").status_code == 204
