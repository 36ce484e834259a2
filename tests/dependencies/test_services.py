"""Dependency services: links across projects, loops refused by name, one writer at a time."""

import threading

import pytest
from sqlalchemy import func
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.dependencies import services
from taskmanager.dependencies.models import TaskDependency
from taskmanager.errors import Conflict
from taskmanager.errors import NotFound
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.tasks.models import CARD_MARKS
from taskmanager.tasks.models import Task
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task
from tests.support.breakdown import acting
from tests.support.breakdown import link
from tests.support.breakdown import task


@pytest.fixture
def chain(app, team):
    """Three tasks in two projects: "Design" blocks "Build" blocks "Launch"."""
    owner = team.people["owner"]
    other_project = make_project(app, team.org, name="Marketing")
    design = make_task(app, team.project, owner, title="Design")
    build = make_task(app, team.project, owner, title="Build")
    launch = make_task(app, other_project, owner, title="Launch")
    link(app, team.org, owner, blocker=design.id, blocked=build.id)
    link(app, team.org, owner, blocker=build.id, blocked=launch.id)
    return design, build, launch


def blocked(task_id):
    db.session.expunge_all()
    return db.session.scalar(select(Task).where(Task.id == task_id).options(CARD_MARKS)).blocked


def test_a_task_is_blocked_until_its_blockers_are_done(app, team, chain):
    design, build, launch = chain
    with acting(app, team.org, team.people["owner"]):
        assert blocked(build.id) and blocked(launch.id) and not blocked(design.id)
        db.session.get(Task, design.id).status = "done"
        db.session.flush()
        assert not blocked(build.id)


def test_a_loop_is_refused_with_a_message_naming_it(app, team, chain):
    design, build, launch = chain
    with acting(app, team.org, team.people["owner"]) as me, pytest.raises(Conflict) as refused:
        services.add_dependency(actor=me, blocker=task(launch.id), blocked=task(design.id))
    assert "“Launch” blocks “Design” blocks “Build” blocks “Launch”" in refused.value.message
    assert refused.value.details["loop"] == [launch.id, design.id, build.id, launch.id]


def test_two_tasks_cannot_block_each_other(app, team, chain):
    design, build, _ = chain
    loop = "“Build” blocks “Design” blocks “Build”"
    with acting(app, team.org, team.people["owner"]) as me, pytest.raises(Conflict, match=loop):
        services.add_dependency(actor=me, blocker=task(build.id), blocked=task(design.id))


def test_a_task_cannot_block_itself_nor_be_linked_twice(app, team, chain):
    design, build, _ = chain
    with acting(app, team.org, team.people["owner"]) as me:
        with pytest.raises(ValidationFailed):
            services.add_dependency(actor=me, blocker=task(design.id), blocked=task(design.id))
        with pytest.raises(Conflict, match="already blocks"):
            services.add_dependency(actor=me, blocker=task(design.id), blocked=task(build.id))


def test_a_task_of_another_organization_cannot_be_linked(app, team, make_user):
    stranger = make_user()
    rival = make_org(app, stranger, name="Rival")
    theirs = make_task(app, make_project(app, rival), stranger, title="Theirs")
    with acting(app, team.org, team.people["owner"]) as me:
        with tenancy.system():
            foreign = task(theirs.id)
        with pytest.raises(NotFound):
            services.add_dependency(actor=me, blocker=foreign, blocked=task(team.task.id))


def test_removing_a_link_unblocks_and_is_in_both_histories(app, team, chain):
    design, build, _ = chain
    with acting(app, team.org, team.people["owner"]) as me:
        (first,) = services.blocked_by(task(build.id))
        services.remove_dependency(actor=me, link=first)
        assert not blocked(build.id)
        from taskmanager.activity.models import ActivityEvent

        rows = db.session.execute(
            select(ActivityEvent.task_id, ActivityEvent.verb).where(
                ActivityEvent.verb.like("dependency.removed%")
            )
        )
        verbs = {(row.task_id, row.verb) for row in rows}
    assert verbs == {
        (build.id, "dependency.removed.blocked_by"),
        (design.id, "dependency.removed.blocks"),
    }


def test_two_links_added_at_once_never_close_a_loop(committed_app, make_user):
    """A blocks B and B blocks A, sent together: one is stored, the other refused."""
    app = committed_app
    from tests.factories import add_member  # noqa: F401 - the team is made here, committed

    owner = make_user(name="Racer")
    org = make_org(app, owner, name="Race")
    project = make_project(app, org)
    a = make_task(app, project, owner, title="A")
    b = make_task(app, project, owner, title="B")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def add(blocker, blocked):
        with acting(app, org, owner) as me:
            first, second = task(blocker), task(blocked)
            barrier.wait()
            try:
                services.add_dependency(actor=me, blocker=first, blocked=second)
                outcomes.append("added")
            except Conflict as error:
                outcomes.append(error.message)
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=add, args=(a.id, b.id)),
        threading.Thread(target=add, args=(b.id, a.id)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 2 and outcomes.count("added") == 1
    refusal = next(outcome for outcome in outcomes if outcome != "added")
    assert "That would make a loop" in refusal
    with app.app_context(), tenancy.system():
        assert db.session.scalar(select(func.count(TaskDependency.id))) == 1
