"""R2 through the API: another organization's ids are 404 for every role, and nothing changes."""

import pytest
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.notifications.models import TaskWatcher
from taskmanager.orgs.models import Invitation
from taskmanager.orgs.models import Membership
from taskmanager.orgs.models import Organization
from taskmanager.projects.models import Label
from taskmanager.projects.models import Project
from taskmanager.tasks.models import Comment
from taskmanager.tasks.models import Task


def requests_for(b):
    """Every operation that takes an id, aimed at organization B."""
    org, task = b.org.id, b.task.id
    return [
        ("GET", f"/orgs/{org}", None),
        ("PATCH", f"/orgs/{org}", {"name": "Pwned"}),
        ("DELETE", f"/orgs/{org}", {"confirm": b.org.slug}),
        ("GET", f"/orgs/{org}/members", None),
        ("PATCH", f"/orgs/{org}/members/{b.owner.id}", {"role": "viewer"}),
        ("DELETE", f"/orgs/{org}/members/{b.owner.id}", None),
        ("GET", f"/orgs/{org}/invitations", None),
        ("POST", f"/orgs/{org}/invitations", {"email": "spy@example.com", "role": "owner"}),
        ("DELETE", f"/orgs/{org}/invitations/{b.invitation.id}", None),
        ("GET", f"/orgs/{org}/labels", None),
        ("POST", f"/orgs/{org}/labels", {"name": "pwned"}),
        ("PATCH", f"/labels/{b.label.id}", {"name": "pwned"}),
        ("DELETE", f"/labels/{b.label.id}", None),
        ("GET", f"/orgs/{org}/projects", None),
        ("POST", f"/orgs/{org}/projects", {"name": "Pwned"}),
        ("GET", f"/projects/{b.project.id}", None),
        ("PATCH", f"/projects/{b.project.id}", {"name": "Pwned"}),
        ("DELETE", f"/projects/{b.project.id}", {"confirm": b.project.name}),
        ("GET", f"/projects/{b.project.id}/tasks", None),
        ("POST", f"/projects/{b.project.id}/tasks", {"title": "Pwned"}),
        ("GET", f"/tasks/{task}", None),
        ("PATCH", f"/tasks/{task}", {"title": "Pwned"}),
        ("DELETE", f"/tasks/{task}", None),
        ("GET", f"/tasks/{task}/comments", None),
        ("POST", f"/tasks/{task}/comments", {"body": "Pwned"}),
        ("PATCH", f"/comments/{b.comment.id}", {"body": "Pwned"}),
        ("DELETE", f"/comments/{b.comment.id}", None),
        ("GET", f"/tasks/{task}/activity", None),
        ("GET", f"/tasks/{task}/watch", None),
        ("PUT", f"/tasks/{task}/watch", None),
        ("DELETE", f"/tasks/{task}/watch", None),
        ("GET", f"/orgs/{org}/activity", None),
        ("GET", f"/tasks?org_id={org}", None),
    ]


def snapshot(app, b):
    with app.app_context(), tenancy.system():
        return {
            "org": db.session.get(Organization, b.org.id).name,
            "roles": sorted(
                (m.user_id, m.role)
                for m in db.session.scalars(
                    select(Membership).where(Membership.organization_id == b.org.id)
                )
            ),
            "invitation": db.session.get(Invitation, b.invitation.id).revoked_at,
            "invitations": len(db.session.scalars(select(Invitation)).all()),
            "labels": sorted(
                x.name
                for x in db.session.scalars(select(Label).where(Label.organization_id == b.org.id))
            ),
            "projects": sorted(
                p.name
                for p in db.session.scalars(
                    select(Project).where(Project.organization_id == b.org.id)
                )
            ),
            "task": (lambda t: (t.title, t.version))(db.session.get(Task, b.task.id)),
            "tasks": len(
                db.session.scalars(select(Task).where(Task.organization_id == b.org.id)).all()
            ),
            "comments": sorted(
                c.body
                for c in db.session.scalars(
                    select(Comment).where(Comment.organization_id == b.org.id)
                )
            ),
            "watchers": sorted(
                (w.task_id, w.user_id)
                for w in db.session.scalars(
                    select(TaskWatcher).where(TaskWatcher.organization_id == b.org.id)
                )
            ),
        }


@pytest.mark.parametrize("role", ["owner", "admin", "member", "viewer"])
def test_every_operation_on_another_organizations_ids_is_404(app, team, other_team, api_as, role):
    api = api_as(team.people[role])
    before = snapshot(app, other_team)
    answers = {
        (method, path): api.request(method, path, json=body).status_code
        for method, path, body in requests_for(other_team)
    }
    assert {key: status for key, status in answers.items() if status != 404} == {}
    assert snapshot(app, other_team) == before


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
