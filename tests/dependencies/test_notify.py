"""Moving a task to done tells the assignees of the tasks it blocked: real worker, real SMTP."""

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
from tests.support.breakdown import link
from tests.support.smtp import text_of


def finish(app, task_id, actor_id):
    with app.app_context(), tenancy.system():
        task = db.session.get(Task, task_id)
        actor = member(task.organization_id, actor_id)
        tasks.update_task(actor=actor, task=task, data=TaskUpdate(status="done"))


def test_finishing_a_blocker_emails_the_blocked_tasks_assignees(
    committed_app, worker, inbox, make_user
):
    app = committed_app
    owner, builder, writer = make_user(), make_user(name="Bo Builder"), make_user()
    org = make_org(app, owner)
    add_member(app, org, builder, "member")
    add_member(app, org, writer, "member")
    project = make_project(app, org)
    design = make_task(app, project, owner, title="Design the page")
    research = make_task(app, project, owner, title="Research")
    build = make_task(app, project, owner, title="Build the page", assignee_id=builder.id)
    write = make_task(app, project, owner, title="Write the copy", assignee_id=writer.id)
    mine = make_task(app, project, owner, title="Owner's own", assignee_id=owner.id)
    for waiting in (build, write, mine):
        link(app, org, owner, blocker=design.id, blocked=waiting.id)
    link(app, org, owner, blocker=research.id, blocked=write.id)

    finish(app, design.id, owner.id)

    unblocked, still = inbox.wait_for(lambda m: "blocked:" in str(m["Subject"]).lower(), count=2)
    subjects = {str(m["To"]): str(m["Subject"]) for m in (unblocked, still)}
    assert subjects == {
        builder.email: "Unblocked: Build the page",
        writer.email: "Still blocked: Write the copy",
    }
    body = text_of(unblocked if str(unblocked["To"]) == builder.email else still)
    assert 'finished "Design the page"' in body and "ready to start" in body
    assert f"/tasks/{build.id}" in body
    # The actor's own blocked task tells nobody.
    assert all("blocked" not in str(m["Subject"]).lower() for m in inbox.to(owner.email))
