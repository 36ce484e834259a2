"""Checklist services: order, progress, conversion with its link back, limits."""

import pytest
from sqlalchemy import select

from taskmanager.activity.models import ActivityEvent
from taskmanager.checklists import services
from taskmanager.checklists.schemas import MAX_ITEMS
from taskmanager.checklists.schemas import ChecklistItemCreate
from taskmanager.checklists.schemas import ChecklistItemUpdate
from taskmanager.errors import Conflict
from taskmanager.errors import Forbidden
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.schemas import parse
from taskmanager.tasks.models import CARD_MARKS
from taskmanager.tasks.models import Task
from tests.support.breakdown import acting
from tests.support.breakdown import add_items
from tests.support.breakdown import task


def titles(task_id):
    return [item.title for item in services.items_of(task(task_id))]


def test_items_keep_their_order_through_moves_and_deletes(app, team):
    owner = team.people["owner"]
    first, _second, third = add_items(app, team.org, owner, team.task.id, "Draft", "Edit", "Ship")
    with acting(app, team.org, owner) as me:
        assert titles(team.task.id) == ["Draft", "Edit", "Ship"]
        item = services.get_item(team.org.id, third.id)
        services.update_item(actor=me, item=item, data=ChecklistItemUpdate(position=0))
        assert titles(team.task.id) == ["Ship", "Draft", "Edit"]
        services.delete_item(actor=me, item=services.get_item(team.org.id, first.id))
        items = services.items_of(task(team.task.id))
        assert [(i.title, i.position) for i in items] == [("Ship", 0), ("Edit", 1)]
        services.add_item(
            actor=me, task=task(team.task.id), data=ChecklistItemCreate(title="Plan", position=0)
        )
        assert titles(team.task.id) == ["Plan", "Ship", "Edit"]


def test_progress_counts_ticked_items_in_the_statement_that_loads_the_task(app, team):
    owner = team.people["owner"]
    items = add_items(app, team.org, owner, team.task.id, "One", "Two", "Three")
    with acting(app, team.org, owner) as me:
        item = services.get_item(team.org.id, items[1].id)
        services.update_item(actor=me, item=item, data=ChecklistItemUpdate(done=True))
        db.session.expunge_all()
        loaded = db.session.scalar(select(Task).where(Task.id == team.task.id).options(CARD_MARKS))
        assert (loaded.checklist_done, loaded.checklist_total) == (1, 3)
        verbs = db.session.scalars(
            select(ActivityEvent.verb).where(ActivityEvent.task_id == team.task.id)
        ).all()
        assert "checklist.added" in verbs and "checklist.checked" in verbs


def test_converting_an_item_makes_a_task_that_links_back(app, team):
    owner, member = team.people["owner"], team.people["member"]
    (item,) = add_items(app, team.org, owner, team.task.id, "Write the FAQ")
    with acting(app, team.org, owner) as me:
        found = services.get_item(team.org.id, item.id)
        found.assignee_id = member.id
        db.session.commit()
        created = services.convert_item(actor=me, item=services.get_item(team.org.id, item.id))
        assert created.title == "Write the FAQ"
        assert created.assignee_id == member.id
        assert created.project_id == team.project.id
        stored = services.get_item(team.org.id, item.id)
        assert stored.converted_task_id == created.id
        origin = services.origin_of(created)
        assert origin is not None and origin.task.title == "Write the launch post"
        with pytest.raises(Conflict, match="already a task"):
            services.convert_item(actor=me, item=stored)


def test_a_checklist_holds_at_most_the_limit(app, team):
    owner = team.people["owner"]
    with acting(app, team.org, owner) as me:
        for n in range(MAX_ITEMS):
            db.session.add(
                services.ChecklistItem(
                    organization_id=team.org.id,
                    task_id=team.task.id,
                    title=f"Step {n}",
                    position=n,
                )
            )
        db.session.commit()
        with pytest.raises(Conflict, match=f"at most {MAX_ITEMS}"):
            services.add_item(
                actor=me, task=task(team.task.id), data=ChecklistItemCreate(title="One more")
            )


def test_titles_are_required_and_limited():
    with pytest.raises(ValidationFailed) as empty:
        parse(ChecklistItemCreate, {"title": "   "})
    assert empty.value.details == {"title": "Name the checklist item."}
    with pytest.raises(ValidationFailed) as long:
        parse(ChecklistItemCreate, {"title": "x" * 201})
    assert "200" in long.value.details["title"]


def test_an_assignee_from_outside_the_organization_is_refused(app, team, make_user):
    stranger = make_user()
    data = ChecklistItemCreate(title="Sneaky", assignee_id=stranger.id)
    with (
        acting(app, team.org, team.people["owner"]) as me,
        pytest.raises(ValidationFailed) as refused,
    ):
        services.add_item(actor=me, task=task(team.task.id), data=data)
    assert "assignee_id" in refused.value.details


def test_a_viewer_cannot_change_a_checklist(app, team):
    with acting(app, team.org, team.people["viewer"]) as me, pytest.raises(Forbidden):
        services.add_item(actor=me, task=task(team.task.id), data=ChecklistItemCreate(title="x"))
