"""The history reads as people talk: status names, priority words, dates in the reader's
zone, names of people and labels; bookkeeping such as a card's position stays out."""

from __future__ import annotations

import re

from taskmanager.accounts.models import User
from taskmanager.accounts.schemas import MeUpdate
from taskmanager.accounts.services import update_profile
from taskmanager.extensions import db
from tests.conftest import post
from tests.factories import make_label
from tests.factories import make_task


def history(client, team, task_id):
    page = client.get(f"/o/{team.org.slug}/tasks/{task_id}").get_data(as_text=True)
    section = page.split(">History<", 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


def edit(client, team, task, **fields):
    return post(client, f"/o/{team.org.slug}/tasks/{task.id}", {"version": task.version, **fields})


def test_status_and_priority_changes_read_as_words(app, team, as_user):
    client = as_user(team.people["member"])
    edit(client, team, team.task, status="in_progress", priority="urgent")
    text = history(client, team, team.task.id)
    assert "Status: To do → In progress" in text
    assert "Priority: Normal → Urgent" in text
    assert "in_progress" not in text and "urgent " not in text.replace("Urgent", "")


def test_a_due_date_reads_in_the_readers_time_zone(app, team, as_user):
    member = team.people["member"]
    client = as_user(member)
    edit(client, team, team.task, due_date="2026-07-01", due_time="09:30")  # read as UTC
    with app.app_context():
        update_profile(
            user=db.session.get(User, member.id),
            data=MeUpdate(name=member.name, time_zone="America/New_York"),
        )
    text = history(client, team, team.task.id)
    assert "Due: none → Wed 1 Jul 2026, 05:30" in text
    assert "T09:30" not in text and "+00:00" not in text


def test_a_due_date_without_a_time_reads_as_the_day(app, team, as_user):
    client = as_user(team.people["member"])
    edit(client, team, team.task, due_date="2026-07-01", due_time="")
    assert "Due: none → Wed 1 Jul 2026 " in history(client, team, team.task.id)


def test_people_and_labels_read_by_name(app, team, as_user):
    client = as_user(team.people["member"])
    second = make_label(app, team.org, name="frontend", color="#0d6efd")
    edit(
        client, team, team.task, assignee_id=team.people["admin"].id,
        labels_sent="1", label_ids=[team.label.id, second.id],
    )  # fmt: skip
    text = history(client, team, team.task.id)
    assert "Assignee: none → Admin Person" in text
    assert f"Labels: none → {team.label.name}, frontend" in text


def test_a_reorder_says_so_without_positions(app, team, as_user):
    owner = team.people["owner"]
    second = make_task(app, team.project, owner, title="Second")
    client = as_user(owner)
    post(
        client, f"/o/{team.org.slug}/tasks/{second.id}/move",
        {"status": "todo", "position": 0, "version": second.version},
    )  # fmt: skip
    text = history(client, team, second.id)
    assert "reordered task Second" in text
    assert "position" not in text.lower()


def test_a_move_to_another_column_shows_the_status_not_the_position(app, team, as_user):
    owner = team.people["owner"]
    make_task(app, team.project, owner, title="Ahead", status="in_progress")
    client = as_user(owner)
    post(
        client, f"/o/{team.org.slug}/tasks/{team.task.id}/move",
        {"status": "in_progress", "position": 0, "version": team.task.version},
    )  # fmt: skip
    text = history(client, team, team.task.id)
    assert "Status: To do → In progress" in text and "position" not in text.lower()
