"""API fixtures: clients that speak JSON with a bearer token, as a mobile app would."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import PASSWORD


class Api:
    """A test client that sends ``Authorization: Bearer`` and JSON bodies."""

    def __init__(self, client: FlaskClient, token: str | None = None):
        self.client = client
        self.token = token

    def request(self, method: str, path: str, json: Any = None, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        if json is not None:
            kwargs["json"] = json
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.request("POST", path, json=json if json is not None else {}, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.request("PATCH", path, json=json if json is not None else {}, **kwargs)

    def delete(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.request("DELETE", path, json=json, **kwargs)


def sign_in(client: FlaskClient, user: Any, password: str = PASSWORD) -> dict[str, Any]:
    response = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": password})
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


@pytest.fixture
def anonymous(app: Flask) -> Api:
    return Api(app.test_client())


@pytest.fixture
def api_as(app: Flask) -> Any:
    """``api_as(user)``: an API client holding a fresh access token of ``user``."""

    def client_for(user: Any) -> Api:
        client = app.test_client()
        return Api(client, sign_in(client, user)["access_token"])

    return client_for


@pytest.fixture
def other_team(app: Flask, make_user: Any) -> Any:
    """Organization B: its own owner, project, label, task, comment and invitation."""
    from types import SimpleNamespace

    from taskmanager import tenancy
    from taskmanager.extensions import db
    from taskmanager.orgs import invitations
    from taskmanager.orgs.schemas import InvitationIn
    from taskmanager.orgs.services import member
    from taskmanager.tasks import comments
    from taskmanager.tasks.schemas import CommentFields
    from tests.factories import detach
    from tests.factories import make_label
    from tests.factories import make_org
    from tests.factories import make_project
    from tests.factories import make_task

    owner = make_user(name="Bea Other")
    org = make_org(app, owner, name="Beta")
    project = make_project(app, org, name="Secret project")
    label = make_label(app, org, name="secret")
    task = make_task(app, project, owner, title="Secret task", label_ids=[label.id])
    with app.test_request_context(), tenancy.system():
        actor = member(org.id, owner.id)
        comment = detach(
            comments.add_comment(
                actor=actor, task=db.session.get(type(task), task.id),
                data=CommentFields(body="Secret comment"),
            )
        )  # fmt: skip
        invitation = detach(
            invitations.invite(actor=actor, data=InvitationIn(email="guest@example.com"))
        )
    return SimpleNamespace(
        org=org, owner=owner, project=project, label=label, task=task, comment=comment,
        invitation=invitation,
    )  # fmt: skip
