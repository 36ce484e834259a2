"""Real delivery of the events watchers hear about: the worker sends to the loopback SMTP
server what a committed comment queued, to the watchers and the mentioned, once each."""

from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.notifications.models import Notification
from tests.factories import add_member
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task
from tests.notifications.test_inbox import comment


def test_a_comment_reaches_the_watchers_and_the_mentioned_by_email_and_in_the_app(
    committed_app, worker, inbox, make_user
):
    app = committed_app
    owner, assignee, author = make_user(name="Olga"), make_user(name="Abe"), make_user(name="Cy")
    org = make_org(app, owner)
    for person in (assignee, author):
        add_member(app, org, person, "member")
    task = make_task(app, make_project(app, org), owner, title="Fuel", assignee_id=assignee.id)
    inbox.wait_for(lambda m: "assigned you" in str(m["Subject"]))

    handle = assignee.email.split("@")[0]
    comment(app, task, author, f"@{handle} the tank is ready")

    messages = inbox.wait_for(lambda m: "Cy " in str(m["Subject"]), count=2)
    subjects = sorted((str(m["To"]), str(m["Subject"])) for m in messages)
    assert subjects == sorted([
        (owner.email, "Cy commented on Fuel"),
        (assignee.email, "Cy mentioned you on Fuel"),
    ])  # fmt: skip
    assert inbox.to(author.email) == []
    with app.app_context(), tenancy.system():
        kinds = sorted((n.user_id, n.kind) for n in db.session.scalars(select(Notification)))
    assert kinds == sorted([
        (assignee.id, "assigned"), (assignee.id, "mentioned"), (owner.id, "commented"),
    ])  # fmt: skip
