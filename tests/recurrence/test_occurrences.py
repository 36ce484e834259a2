"""The next occurrence: copied, due by the rule in its zone across DST, made exactly once."""

import threading
from datetime import UTC
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.activity.models import ActivityEvent
from taskmanager.checklists.models import ChecklistItem
from taskmanager.errors import Conflict
from taskmanager.errors import Forbidden
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.recurrence import jobs
from taskmanager.recurrence import services
from taskmanager.recurrence.models import TaskSeries
from taskmanager.recurrence.schemas import RecurrenceSet
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task
from tests.support.breakdown import acting
from tests.support.breakdown import add_items
from tests.support.breakdown import task
from tests.support.repeating import complete
from tests.support.repeating import repeat
from tests.support.repeating import run_next
from tests.support.repeating import series_tasks

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
NEXT = "taskmanager.recurrence.jobs.make_next_occurrence"


@pytest.fixture
def weekly(app, team):
    """ "Team sync", due Monday 23 March 2026 09:00 Berlin time, repeating every Monday."""
    owner, member = team.people["owner"], team.people["member"]
    made = make_task(
        app, team.project, owner, title="Team sync", description="Agenda in the doc",
        priority="high", assignee_id=member.id, label_ids=[team.label.id],
        due_at=datetime(2026, 3, 23, 9, 0, tzinfo=BERLIN),
    )  # fmt: skip
    add_items(app, team.org, owner, made.id, "Notes", "Actions")
    repeat(app, team.org, owner, made.id, "FREQ=WEEKLY;BYDAY=MO", "Europe/Berlin")
    return made


def test_completing_a_repeating_task_queues_its_next_occurrence(app, team, weekly, enqueued):
    complete(app, team.org, team.people["member"], weekly.id)
    assert [kwargs["task_id"] for name, kwargs in enqueued if name == NEXT] == [weekly.id]


def test_completing_a_task_that_does_not_repeat_queues_nothing(app, team, enqueued):
    complete(app, team.org, team.people["owner"], team.task.id)
    assert not [name for name, _ in enqueued if name == NEXT]


def test_the_next_occurrence_keeps_nine_o_clock_in_berlin_across_the_spring_change(
    app, team, weekly
):
    complete(app, team.org, team.people["member"], weekly.id)
    made = run_next(app, weekly.id, now="2026-03-23T10:00:00+00:00")
    first, second = series_tasks(app, team.project.id, "Team sync")
    assert second.id == made
    # 23 March is +01:00, 30 March +02:00: the same 09:00 on the wall clock.
    assert second.due_at == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    assert second.due_at.astimezone(BERLIN).hour == 9
    assert (second.status, second.priority, second.description) == (
        "todo",
        "high",
        "Agenda in the doc",
    )
    assert second.assignee.id == team.people["member"].id
    assert [label.id for label in second.labels] == [team.label.id]
    assert (first.repeat_rule, second.repeat_rule) == (None, "FREQ=WEEKLY;BYDAY=MO")
    assert second.repeat_zone == "Europe/Berlin"
    with app.app_context(), tenancy.system():
        items = db.session.execute(
            select(ChecklistItem.title, ChecklistItem.done)
            .where(ChecklistItem.task_id == second.id)
            .order_by(ChecklistItem.position)
        ).all()
    assert [tuple(item) for item in items] == [("Notes", False), ("Actions", False)]


def test_a_daily_task_keeps_nine_o_clock_in_new_york_across_the_autumn_change(app, team):
    owner = team.people["owner"]
    made = make_task(
        app,
        team.project,
        owner,
        title="Stand-up",
        due_at=datetime(2026, 10, 31, 9, tzinfo=NEW_YORK),
    )
    repeat(app, team.org, owner, made.id, "FREQ=DAILY", "America/New_York")
    complete(app, team.org, owner, made.id)
    run_next(app, made.id, now="2026-10-31T14:00:00+00:00")
    _, second = series_tasks(app, team.project.id, "Stand-up")
    # 31 October is -04:00, 1 November (after 02:00) -05:00.
    assert second.due_at == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)
    assert second.due_at.astimezone(NEW_YORK).hour == 9
    complete(app, team.org, owner, second.id)
    run_next(app, second.id, now="2026-11-01T15:00:00+00:00")
    third = series_tasks(app, team.project.id, "Stand-up")[2]
    assert third.due_at == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


def test_a_duplicated_delivery_makes_one_occurrence(app, team, weekly, enqueued):
    complete(app, team.org, team.people["member"], weekly.id)
    (kwargs,) = [kwargs for name, kwargs in enqueued if name == NEXT]
    first = run_next(app, now="2026-03-23T10:00:00+00:00", **kwargs)
    again = run_next(app, now="2026-03-23T10:00:05+00:00", **kwargs)
    assert first is not None and again is None
    assert len(series_tasks(app, team.project.id, "Team sync")) == 2


def test_a_task_reopened_before_the_job_runs_makes_nothing(app, team, weekly):
    complete(app, team.org, team.people["member"], weekly.id)
    complete(app, team.org, team.people["member"], weekly.id, status="todo")
    assert run_next(app, weekly.id, now="2026-03-23T10:00:00+00:00") is None
    (only,) = series_tasks(app, team.project.id, "Team sync")
    assert only.repeat_rule == "FREQ=WEEKLY;BYDAY=MO"


def test_finishing_late_skips_the_days_already_gone(app, team, weekly):
    complete(app, team.org, team.people["member"], weekly.id)
    run_next(app, weekly.id, now="2026-04-08T12:00:00+00:00")  # a Wednesday, 2 weeks late
    second = series_tasks(app, team.project.id, "Team sync")[1]
    assert second.due_at == datetime(2026, 4, 13, 7, 0, tzinfo=UTC)  # the next Monday


def test_the_sweep_makes_what_a_lost_job_did_not_and_only_once(app, team, weekly, enqueued):
    complete(app, team.org, team.people["member"], weekly.id)
    enqueued.clear()  # the broker lost it
    with app.app_context():
        assert jobs.sweep_recurrences(now="2026-03-23T10:00:00+00:00") == 1
        assert jobs.sweep_recurrences(now="2026-03-23T10:05:00+00:00") == 0
    assert len(series_tasks(app, team.project.id, "Team sync")) == 2


def test_the_last_occurrence_of_a_count_ends_the_series(app, team):
    owner = team.people["owner"]
    made = make_task(
        app, team.project, owner, title="Twice", due_at=datetime(2026, 5, 4, 9, tzinfo=UTC)
    )
    repeat(app, team.org, owner, made.id, "FREQ=DAILY;COUNT=2", "UTC")
    complete(app, team.org, owner, made.id)
    second = run_next(app, made.id, now="2026-05-04T10:00:00+00:00")
    complete(app, team.org, owner, second)
    assert run_next(app, second, now="2026-05-05T10:00:00+00:00") is None
    with app.app_context(), tenancy.system():
        assert db.session.scalar(select(func.count(TaskSeries.id))) == 0
        verbs = db.session.scalars(
            select(ActivityEvent.verb).where(ActivityEvent.task_id == second)
        )
        assert "task.repeat_ended" in list(verbs)


def test_a_stopped_task_makes_nothing_when_done(app, team, weekly, enqueued):
    with acting(app, team.org, team.people["member"]) as me:
        services.stop_recurrence(actor=me, task=task(weekly.id))
    complete(app, team.org, team.people["member"], weekly.id)
    assert not [name for name, _ in enqueued if name == NEXT]
    assert run_next(app, weekly.id, now="2026-03-23T10:00:00+00:00") is None


def test_a_task_without_a_due_date_is_given_the_rule_s_first_day(app, team):
    owner = team.people["owner"]
    made = make_task(app, team.project, owner, title="Water the plants")
    with acting(app, team.org, owner) as me:
        found = task(made.id)
        data = RecurrenceSet(rule="FREQ=WEEKLY;BYDAY=FR", timezone="Europe/Berlin")
        services.set_recurrence(
            actor=me, task=found, data=data, now=datetime(2026, 12, 2, 12, tzinfo=UTC)
        )
        due = found.due_at.astimezone(BERLIN)
    assert (due.date().isoformat(), due.hour, due.minute) == ("2026-12-04", 23, 59)


def test_the_history_says_how_the_task_repeats_in_words(app, team, weekly):
    from taskmanager.activity.wording import readable_changes

    with app.test_request_context(), tenancy.system():
        event = db.session.scalars(
            select(ActivityEvent)
            .where(ActivityEvent.task_id == weekly.id)
            .order_by(ActivityEvent.id.desc())
        ).first()
        changes = {change.field: (change.old, change.new) for change in readable_changes(event)}
    assert changes["Repeats"] == ("none", "Weekly on Mon")
    assert changes["Repeats in time zone"] == ("none", "Europe/Berlin")


@pytest.mark.parametrize(
    ("rule", "error"),
    [("FREQ=HOURLY", ValidationFailed), ("FREQ=DAILY;UNTIL=20200101", ValidationFailed)],
)
def test_a_rule_outside_the_subset_or_ending_before_the_due_date_is_refused(
    app, team, weekly, rule, error
):
    with acting(app, team.org, team.people["owner"]) as me, pytest.raises(error) as refused:
        services.set_recurrence(actor=me, task=task(weekly.id), data=RecurrenceSet(rule=rule))
    assert "rule" in refused.value.details


def test_a_done_task_is_not_given_a_rule_and_a_viewer_sets_none(app, team):
    complete(app, team.org, team.people["owner"], team.task.id)
    with acting(app, team.org, team.people["owner"]) as me, pytest.raises(Conflict):
        services.set_recurrence(
            actor=me, task=task(team.task.id), data=RecurrenceSet(rule="FREQ=DAILY")
        )
    with acting(app, team.org, team.people["viewer"]) as me, pytest.raises(Forbidden):
        services.set_recurrence(
            actor=me, task=task(team.task.id), data=RecurrenceSet(rule="FREQ=DAILY")
        )


def test_two_deliveries_at_once_make_one_occurrence(committed_app, make_user):
    """The job delivered twice, both running together on PostgreSQL: one task is made."""
    app = committed_app
    owner = make_user(name="Racer")
    org = make_org(app, owner, name="Race")
    project = make_project(app, org)
    made = make_task(
        app, project, owner, title="Invoice", due_at=datetime(2026, 6, 1, 9, tzinfo=BERLIN)
    )
    repeat(app, org, owner, made.id, "FREQ=MONTHLY", "Europe/Berlin")
    complete(app, org, owner, made.id)
    barrier = threading.Barrier(2)
    outcomes: list[int | None] = []

    def deliver():
        with app.app_context():
            barrier.wait()
            outcomes.append(
                jobs.make_next_occurrence(task_id=made.id, now="2026-06-01T10:00:00+00:00")
            )
            db.session.remove()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 2 and outcomes.count(None) == 1
    occurrences = series_tasks(app, project.id, "Invoice")
    assert len(occurrences) == 2
    assert occurrences[1].due_at == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)  # 09:00 +02:00


def test_the_next_occurrence_is_a_task_created_for_webhooks(app, team, weekly):
    import json

    from taskmanager.webhooks import services as webhooks
    from taskmanager.webhooks.models import WebhookDelivery
    from taskmanager.webhooks.schemas import WebhookIn

    with acting(app, team.org, team.people["owner"]) as me:
        data = WebhookIn(url="https://hooks.example.com/in", events=["task.created"])
        webhooks.create_endpoint(actor=me, data=data)
    complete(app, team.org, team.people["member"], weekly.id)
    made = run_next(app, weekly.id, now="2026-03-23T10:00:00+00:00")
    with app.app_context(), tenancy.system():
        bodies = db.session.scalars(
            select(WebhookDelivery.body).where(WebhookDelivery.event_type == "task.created")
        ).all()
    assert [json.loads(body)["data"]["task"]["id"] for body in bodies] == [made]
