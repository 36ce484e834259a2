import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import select

from taskmanager import create_app
from taskmanager import tenancy
from taskmanager.accounts.models import User
from taskmanager.extensions import db
from taskmanager.mail.models import OutboundEmail
from taskmanager.notifications.jobs import send_due_reminders
from taskmanager.notifications.jobs import send_weekly_summaries
from taskmanager.tasks.models import Task
from tests.conftest import post
from tests.factories import make_task


def emails_to(app, email, subject_part=""):
    with app.app_context():
        rows = db.session.scalars(
            select(OutboundEmail).where(OutboundEmail.recipient == email).order_by(OutboundEmail.id)
        ).all()
        for row in rows:
            db.session.expunge(row)
    return [row for row in rows if subject_part in row.subject]


def set_user(app, user, **fields):
    with app.app_context():
        stored = db.session.get(User, user.id)
        for key, value in fields.items():
            setattr(stored, key, value)
        db.session.commit()


def test_assigning_a_task_emails_the_assignee_with_a_link_and_an_opt_out(
    app, team, as_user, enqueued
):
    member = team.people["member"]
    client = as_user(team.people["owner"])
    task = team.task
    post(
        client,
        f"/o/{team.org.slug}/tasks/{task.id}",
        {"version": task.version, "assignee_id": member.id},
    )
    (email,) = emails_to(app, member.email, "assigned you")
    assert f"/o/{team.org.slug}/tasks/{task.id}" in email.text_body
    assert "/unsubscribe/" in email.text_body
    assert ("taskmanager.mail.jobs.deliver_email", {"email_id": email.id}) in enqueued


def test_assigning_yourself_sends_nothing(app, team, as_user):
    member = team.people["member"]
    make_task(app, team.project, member, title="Mine", assignee_id=member.id)
    assert emails_to(app, member.email, "assigned you") == []


def test_the_assignment_preference_is_respected(app, team, as_user):
    member = team.people["member"]
    set_user(app, member, notify_assigned=False)
    make_task(app, team.project, team.people["owner"], title="Quiet", assignee_id=member.id)
    assert emails_to(app, member.email) == []


def test_an_at_mention_in_a_comment_emails_that_member(app, team, as_user):
    member = team.people["member"]
    handle = member.email.split("@")[0]
    client = as_user(team.people["admin"])
    post(
        client,
        f"/o/{team.org.slug}/tasks/{team.task.id}/comments",
        {"body": f"@{handle} can you look?"},
    )
    (email,) = emails_to(app, member.email, "mentioned you")
    assert "can you look?" in email.text_body
    assert emails_to(app, team.people["viewer"].email) == []


def test_the_unsubscribe_link_turns_the_notification_off_in_one_click(app, team, as_user):
    member = team.people["member"]
    make_task(app, team.project, team.people["owner"], title="Ping", assignee_id=member.id)
    (email,) = emails_to(app, member.email)
    path = re.search(r"/unsubscribe/\S+", email.text_body).group(0)
    anonymous = app.test_client()
    assert "Stop emails when a task is assigned" in anonymous.get(path).get_data(as_text=True)
    assert "unsubscribed" in anonymous.post(path).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, member.id).notify_assigned is False


def test_a_tampered_unsubscribe_link_is_404(client):
    assert client.get("/unsubscribe/not-a-real-token").status_code == 404


# Daylight saving ends on 2026-10-25 in Paris and on 2026-11-01 in New York.
DST_CASES = [
    ("Europe/Paris", datetime(2026, 10, 25, 8, 0, tzinfo=UTC), "09:00"),  # 09:00 CET
    ("America/New_York", datetime(2026, 11, 1, 14, 0, tzinfo=UTC), "09:00"),  # 09:00 EST
]


@pytest.mark.parametrize(("zone", "due", "local_time"), DST_CASES)
def test_one_reminder_per_due_date_across_a_daylight_saving_change(
    app, team, zone, due, local_time
):
    member = team.people["member"]
    set_user(app, member, time_zone=zone, reminder_hours=24)
    task = make_task(
        app, team.project, team.people["owner"], title="Ship it", assignee_id=member.id, due_at=due
    )
    just_before = due - timedelta(hours=25)
    window_opens = due - timedelta(hours=24)  # 24 real hours, whatever the wall clock did
    with app.app_context():
        assert send_due_reminders(now=just_before.isoformat()) == 0
        assert send_due_reminders(now=window_opens.isoformat()) == 1
        assert send_due_reminders(now=(window_opens + timedelta(hours=1)).isoformat()) == 0
    (email,) = emails_to(app, member.email, "Due soon")
    assert local_time in email.text_body and zone in email.text_body
    with app.app_context(), tenancy.system():
        assert db.session.get(Task, task.id).reminded_at is not None


def test_a_new_due_date_earns_a_new_reminder(app, team, as_user):
    member = team.people["member"]
    first = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
    task = make_task(app, team.project, member, title="Moved", assignee_id=member.id, due_at=first)
    with app.app_context():
        send_due_reminders(now=datetime(2026, 6, 9, 13, 0, tzinfo=UTC).isoformat())
    post(
        as_user(member),
        f"/o/{team.org.slug}/tasks/{task.id}",
        {"version": task.version, "due_date": "2026-06-20", "due_time": "12:00"},
    )
    with app.app_context():
        send_due_reminders(now=datetime(2026, 6, 19, 13, 0, tzinfo=UTC).isoformat())
    assert len(emails_to(app, member.email, "Due soon")) == 2


@pytest.mark.parametrize(
    ("zone", "monday_8am_utc"),
    [
        ("Asia/Tokyo", datetime(2026, 11, 22, 23, 0, tzinfo=UTC)),
        ("America/Los_Angeles", datetime(2026, 11, 23, 16, 0, tzinfo=UTC)),
    ],
)
def test_the_weekly_summary_goes_out_monday_morning_in_the_users_zone(
    app, team, zone, monday_8am_utc
):
    member = team.people["member"]
    set_user(app, member, time_zone=zone)
    make_task(app, team.project, team.people["owner"], title="Weekly item", assignee_id=member.id)
    with app.app_context():
        send_weekly_summaries(now=(monday_8am_utc - timedelta(hours=1)).isoformat())
        assert emails_to(app, member.email, "Your week") == []
        send_weekly_summaries(now=monday_8am_utc.isoformat())
        send_weekly_summaries(now=monday_8am_utc.replace(minute=30).isoformat())
    (summary,) = emails_to(app, member.email, "Your week")
    assert "Weekly item" in summary.text_body


def test_a_task_called_in_an_app_context_runs_in_that_app_after_another_is_built(
    app, team, tmp_path
):
    # Building an app makes its Celery the process default, which ``shared_task``
    # follows; a direct call (CLI, tests) must still run in the caller's app.
    other = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/other.sqlite3"})
    assert other.extensions["celery"] is not app.extensions["celery"]
    member = team.people["member"]
    set_user(app, member, reminder_hours=24)
    due = datetime(2026, 11, 1, 14, 0, tzinfo=UTC)
    make_task(app, team.project, team.people["owner"], assignee_id=member.id, due_at=due)
    try:
        with app.app_context():
            assert send_due_reminders(now=(due - timedelta(hours=1)).isoformat()) == 1
    finally:
        app.extensions["celery"].set_default()
