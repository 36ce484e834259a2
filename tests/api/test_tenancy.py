"""R2 through the API, the cases the URL-map matrix cannot see: ids in bodies and lists.

Every route aimed at another organization's ids, for every role, is generated from
the URL map in tests/security/test_isolation_matrix.py.
"""


def test_lists_across_my_organizations_show_nothing_of_another(team, other_team, api_as):
    api = api_as(team.people["owner"])
    everything = str(api.get("/tasks?per_page=100").json) + str(api.get("/orgs").json)
    assert "Secret" not in everything and "Beta" not in everything
    assert api.get(f"/tasks?project_id={other_team.project.id}").json["total"] == 0


def test_an_assignee_from_another_organization_is_refused(team, other_team, api_as):
    api = api_as(team.people["owner"])
    response = api.patch(f"/tasks/{team.task.id}", json={"assignee_id": other_team.owner.id})
    assert response.status_code == 400
    assert "assignee_id" in response.json["details"]


def test_a_label_from_another_organization_is_refused(team, other_team, api_as):
    api = api_as(team.people["owner"])
    response = api.post(
        f"/projects/{team.project.id}/tasks",
        json={"title": "Mine", "label_ids": [other_team.label.id]},
    )
    assert response.status_code == 400
    assert "label_ids" in response.json["details"]
