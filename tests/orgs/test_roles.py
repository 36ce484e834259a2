"""The role matrix, generated from the policy table: every role x every page action."""

import pytest
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.policy import POLICY
from taskmanager.policy import Action
from taskmanager.policy import Role
from taskmanager.tasks.models import Task
from tests.conftest import post
from tests.factories import make_task
from tests.support.content import make_view

# One page action per policy action: (method, path, form data), paths under /o/<slug>.
PAGE_ACTIONS = {
    Action.VIEW: ("GET", "/projects/{project}", None),
    Action.WRITE_TASKS: ("POST", "/projects/{project}/tasks", {"title": "From the matrix"}),
    Action.DELETE_ANY_TASK: ("POST", "/tasks/{others_task}/delete", {}),
    Action.DELETE_OWN_TASK: ("POST", "/tasks/{own_task}/delete", {}),
    Action.MANAGE_PROJECTS: ("POST", "/projects", {"name": "Matrix project"}),
    Action.MANAGE_LABELS: ("POST", "/labels", {"name": "matrix", "color": "#123456"}),
    Action.MANAGE_MEMBERS: ("POST", "/invitations", {"email": "new@example.com", "role": "member"}),
    Action.MANAGE_OWNERS: ("POST", "/invitations", {"email": "boss@example.com", "role": "owner"}),
    Action.MANAGE_ORGANIZATION: ("POST", "/rename", {"name": "Renamed"}),
    Action.MANAGE_BILLING: ("GET", "/billing", None),
    Action.SHARE_VIEWS: ("POST", "/projects/{project}/views", {"name": "Ours", "shared": "1"}),
    Action.MANAGE_SHARED_VIEWS: ("POST", "/views/{others_view}/delete", {}),
    Action.MANAGE_WEBHOOKS: (
        "POST",
        "/webhooks",
        {"url": "https://hooks.example.com/in", "events": "task.created"},
    ),
    Action.EDIT_CHECKLISTS: ("POST", "/tasks/{others_task}/checklist", {"title": "A step"}),
    Action.LINK_TASKS: ("POST", "/tasks/{others_task}/dependencies", {"blocked_by": "{own_task}"}),
}
CASES = [(role, action) for role in Role for action in Action if action in PAGE_ACTIONS]


def test_every_policy_action_has_a_page_case():
    # Deleting others' attachments: tests/attachments/test_roles.py, pages and API.
    missing = set(Action) - set(PAGE_ACTIONS) - {Action.DELETE_ANY_ATTACHMENT}
    assert not missing, f"add page cases for {missing}"


@pytest.mark.parametrize(("role", "action"), CASES, ids=[f"{r}-{a}" for r, a in CASES])
def test_role_may_do_exactly_what_the_policy_table_says(app, team, as_user, role, action):
    person = team.people[role]
    own = make_task(app, team.project, person, title="Mine") if role != "viewer" else team.task
    method, path, data = PAGE_ACTIONS[action]
    others_view = None
    if "{others_view}" in path:  # a view shared by someone else
        sharer = team.people["admin" if role == "owner" else "owner"]
        others_view = make_view(app, team.project, sharer, shared=True).id
    url = f"/o/{team.org.slug}" + path.format(
        project=team.project.id, others_task=team.task.id, own_task=own.id,
        others_view=others_view,
    )  # fmt: skip
    client = as_user(person)
    if data:
        data = {name: value.format(own_task=own.id) for name, value in data.items()}
    response = client.get(url) if method == "GET" else post(client, url, data)

    allowed = action in POLICY[role]
    if role == "viewer" and action == Action.DELETE_OWN_TASK:
        allowed = False  # a viewer has no tasks of their own to delete
    if allowed:
        assert response.status_code in (200, 303), (role, action, response.status_code)
    else:
        assert response.status_code == 403, (role, action, response.status_code)


def test_a_member_cannot_delete_someone_elses_task(app, team, as_user):
    response = post(
        as_user(team.people["member"]), f"/o/{team.org.slug}/tasks/{team.task.id}/delete"
    )
    assert response.status_code == 403
    with app.app_context(), tenancy.system():
        assert db.session.scalar(select(Task).where(Task.id == team.task.id)) is not None


def test_the_last_owner_can_neither_leave_nor_be_demoted(app, team, as_user):
    owner = team.people["owner"]
    client = as_user(owner)
    post(client, f"/o/{team.org.slug}/members/{owner.id}/remove")
    assert client.get(f"/o/{team.org.slug}").status_code == 200
    admin = as_user(team.people["admin"])
    assert (
        post(admin, f"/o/{team.org.slug}/members/{owner.id}/role", {"role": "member"}).status_code
        == 403
    )


def test_transfer_of_ownership_makes_the_old_owner_an_admin(app, team, as_user):
    owner, admin = team.people["owner"], team.people["admin"]
    client = as_user(owner)
    post(client, f"/o/{team.org.slug}/transfer", {"user_id": admin.id})
    from taskmanager.orgs.services import member

    with app.app_context():
        assert member(team.org.id, admin.id).role == "owner"
        assert member(team.org.id, owner.id).role == "admin"
