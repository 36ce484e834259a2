"""The zero-setup default works: SQLite, a broker on a SQLite file, the outbox folder.

This is what ``make run`` gives a newcomer; the test walks their first minutes:
register, open the confirmation email from /dev/outbox, confirm, sign in.
"""

import re
import time

import pytest
from celery.contrib.testing.worker import start_worker
from flask_migrate import upgrade

from taskmanager import create_app
from tests.conftest import post_form

pytestmark = [pytest.mark.sqlite, pytest.mark.xdist_group("embedded")]


@pytest.fixture
def embedded_app(tmp_path):
    app = create_app(
        {
            "ENV": "development",
            "SECRET_KEY": "embedded-test-secret-key-0123456789abcdef",
            "DATABASE_URL": f"sqlite:///{tmp_path}/taskmanager.sqlite3",
            "BROKER_URL": f"sqla+sqlite:///{tmp_path}/broker.sqlite3",
            "OUTBOX_DIR": str(tmp_path / "outbox"),
            "WTF_CSRF_ENABLED": True,
        }
    )
    with app.app_context():
        upgrade()
    return app


def wait_for_outbox(client, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = client.get("/dev/outbox").get_data(as_text=True)
        links = re.findall(r'href="(/dev/outbox/[^"]+\.eml)"', page)
        if links:
            return links
        time.sleep(0.2)
    raise AssertionError("no email reached the outbox")


def test_a_newcomer_registers_confirms_from_the_outbox_and_signs_in(embedded_app):
    client = embedded_app.test_client()
    password = "violet tractor orbit lantern"
    with start_worker(embedded_app.extensions["celery"], pool="solo", perform_ping_check=False):
        response = post_form(
            client,
            "/register",
            {"email": "first@example.com", "password": password, "password_confirm": password},
        )
        assert response.status_code == 302
        (message_link,) = wait_for_outbox(client)

    message = client.get(message_link).get_data(as_text=True)
    confirm = re.search(r"http://[^\s\"<]+/confirm/[^\s\"<]+", message).group(0)
    # Built on the configured base URL (the embedded default), not the request's Host.
    assert confirm.startswith("http://127.0.0.1:5000/confirm/")
    client.get(confirm.removeprefix("http://127.0.0.1:5000"))
    signed_in = post_form(client, "/login", {"email": "first@example.com", "password": password})

    assert signed_in.headers["Location"].endswith("/dashboard")
    assert "Hello" in client.get("/dashboard").get_data(as_text=True)


def test_readyz_checks_the_embedded_database_and_broker(embedded_app):
    response = embedded_app.test_client().get("/readyz")
    assert response.status_code == 200, response.json


def test_search_and_tenancy_work_on_sqlite(embedded_app):
    from sqlalchemy import select

    from taskmanager import tenancy
    from taskmanager.accounts.services import create_user
    from taskmanager.extensions import db
    from taskmanager.orgs.schemas import OrgCreate
    from taskmanager.orgs.services import create_organization
    from taskmanager.orgs.services import member
    from taskmanager.projects.schemas import ProjectIn
    from taskmanager.projects.services import create_project
    from taskmanager.tasks import listing
    from taskmanager.tasks import services as tasks
    from taskmanager.tasks.models import Task
    from taskmanager.tasks.schemas import TaskCreate

    with embedded_app.app_context():
        owner = create_user(email="lite@example.com", password="x" * 12, confirmed=True)
        org = create_organization(owner=owner, data=OrgCreate(name="Lite"))
        other = create_organization(owner=owner, data=OrgCreate(name="Other"))
        with tenancy.scoped_to({org.id, other.id}):
            actor = member(org.id, owner.id)
            project = create_project(actor=actor, data=ProjectIn(name="Site"))
            tasks.create_task(
                actor=actor,
                project=project,
                data=TaskCreate(title="Invoice run", description="quarterly billing"),
            )
            tasks.create_task(actor=actor, project=project, data=TaskCreate(title="Chore"))
            other_project = create_project(
                actor=member(other.id, owner.id), data=ProjectIn(name="Else")
            )
            tasks.create_task(
                actor=member(other.id, owner.id),
                project=other_project,
                data=TaskCreate(title="billing elsewhere"),
            )
        with tenancy.scoped_to({org.id}):
            found = listing.list_tasks(project=project, filters=listing.TaskFilters(text="billing"))
            assert [task.title for task in found.items] == ["Invoice run"]
            assert {t.title for t in db.session.scalars(select(Task))} == {"Invoice run", "Chore"}
