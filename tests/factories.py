"""Factories: create rows the way the app would, return detached, fully loaded objects."""

from __future__ import annotations

import hashlib
import itertools
import secrets
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from taskmanager.accounts import services as accounts
from taskmanager.accounts import sessions
from taskmanager.accounts.models import LoginSession
from taskmanager.accounts.models import User
from taskmanager.extensions import db

PASSWORD = "a sturdy passphrase for tests"
_counter = itertools.count(1)


def detach(obj: Any) -> Any:
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


def make_user(
    app: Flask,
    *,
    email: str | None = None,
    password: str = PASSWORD,
    name: str | None = None,
    confirmed: bool = True,
    staff: bool = False,
) -> User:
    n = next(_counter)
    with app.app_context():
        user = accounts.create_user(
            email=email or f"user{n}-{secrets.token_hex(3)}@example.com",
            password=password,
            name=name if name is not None else f"User {n}",
            confirmed=confirmed,
            staff=staff,
        )
        return detach(user)


def sign_in(app: Flask, client: FlaskClient, user: User) -> None:
    """Give ``client`` the session a completed sign-in would give it."""
    token = secrets.token_urlsafe(32)
    with app.app_context():
        db.session.add(
            LoginSession(token_hash=hashlib.sha256(token.encode()).hexdigest(), user_id=user.id)
        )
        db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = user.fs_uniquifier
        session["_fresh"] = True
        session["fs_paa"] = 1.0
        session[sessions.SESSION_KEY] = token


def make_org(app: Flask, owner: User, name: str = "Acme") -> Any:
    from taskmanager.orgs import services as orgs
    from taskmanager.orgs.schemas import OrgCreate

    with app.app_context():
        return detach(orgs.create_organization(owner=owner, data=OrgCreate(name=name)))


def add_member(app: Flask, org: Any, user: User, role: str) -> None:
    from taskmanager.orgs.models import Membership

    with app.app_context():
        db.session.add(Membership(organization_id=org.id, user_id=user.id, role=role))
        db.session.commit()


def make_project(app: Flask, org: Any, name: str = "Website") -> Any:
    from taskmanager import tenancy
    from taskmanager.projects.models import Project

    with app.app_context(), tenancy.system():
        project = Project(organization_id=org.id, name=name)
        db.session.add(project)
        db.session.commit()
        return detach(project)


def make_label(app: Flask, org: Any, name: str = "bug", color: str = "#dc3545") -> Any:
    from taskmanager import tenancy
    from taskmanager.projects.models import Label

    with app.app_context(), tenancy.system():
        label = Label(organization_id=org.id, name=name, color=color)
        db.session.add(label)
        db.session.commit()
        return detach(label)


def make_task(app: Flask, project: Any, creator: User, **fields: Any) -> Any:
    from taskmanager import tenancy
    from taskmanager.orgs.services import member
    from taskmanager.tasks import services as tasks
    from taskmanager.tasks.schemas import TaskCreate

    fields.setdefault("title", f"Task {next(_counter)}")
    with app.app_context(), tenancy.system():
        actor = member(project.organization_id, creator.id)
        task = tasks.create_task(actor=actor, project=project, data=TaskCreate(**fields))
        return detach(task)
