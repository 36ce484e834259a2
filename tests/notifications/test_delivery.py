"""Real delivery: the worker sends what a committed change queued, and nothing else."""

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.orgs.services import member
from taskmanager.tasks import services as tasks
from taskmanager.tasks.models import Task
from taskmanager.tasks.schemas import TaskUpdate
from tests.factories import add_member
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task


def assign(app, task_id, owner_id, assignee_id, *, commit):
    with app.app_context(), tenancy.system():
        task = db.session.get(Task, task_id)
        actor = member(task.organization_id, owner_id)
        if commit:
            tasks.update_task(actor=actor, task=task, data=TaskUpdate(assignee_id=assignee_id))
            return
        # Same change, but the transaction is rolled back before it commits.
        original_commit = db.session.commit
        db.session.commit = db.session.flush  # type: ignore[method-assign]
        try:
            tasks.update_task(actor=actor, task=task, data=TaskUpdate(assignee_id=assignee_id))
        finally:
            db.session.commit = original_commit  # type: ignore[method-assign]
            db.session.rollback()


def test_a_rolled_back_change_sends_nothing_and_a_committed_one_exactly_once(
    committed_app, worker, inbox, make_user
):
    owner, teammate = make_user(), make_user()
    org = make_org(committed_app, owner)
    add_member(committed_app, org, teammate, "member")
    project = make_project(committed_app, org)
    rolled_back = make_task(committed_app, project, owner, title="Rolled back assignment")
    committed = make_task(committed_app, project, owner, title="Committed assignment")

    assign(committed_app, rolled_back.id, owner.id, teammate.id, commit=False)
    assign(committed_app, committed.id, owner.id, teammate.id, commit=True)

    inbox.wait_for(lambda m: "Committed assignment" in str(m["Subject"]))
    subjects = [str(m["Subject"]) for m in inbox.to(teammate.email)]
    assert subjects == [f"{owner.display_name} assigned you: Committed assignment"]


def test_an_email_carries_one_message_id_made_from_its_key(app):
    from email import message_from_bytes

    from taskmanager.mail.delivery import build_message
    from taskmanager.mail.models import OutboundEmail

    email = OutboundEmail(
        key="reminder:7:2026-12-05", recipient="ana@example.com", subject="Due soon",
        text_body="Due soon", html_body="<p>Due soon</p>",
    )  # fmt: skip
    with app.app_context():
        twice = [message_from_bytes(build_message(email).as_bytes()) for _ in range(2)]
    ids = [parsed.get_all("Message-ID") for parsed in twice]
    # One header each, the same both times: a receiver can drop a repeated delivery.
    assert len(ids[0]) == 1
    assert ids[0] == ids[1]
