from sqlalchemy import select

from taskmanager.accounts.models import User
from taskmanager.demo import DEMO_EMAIL
from taskmanager.extensions import db


def find(app, email):
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def test_users_create_makes_a_confirmed_staff_account(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Ops@Example.com",
            "--password",
            "lantern orbit violet tractor",
            "--staff",
            "--confirmed",
        ]
    )
    assert result.exit_code == 0, result.output
    user = find(app, "ops@example.com")
    assert user.is_staff and user.confirmed_at is not None


def test_users_create_refuses_a_taken_email_with_a_clear_message(runner, user):
    result = runner.invoke(args=["users", "create", user.email, "--password", "whatever long"])
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_users_deactivate_names_an_unknown_email(runner):
    result = runner.invoke(args=["users", "deactivate", "ghost@example.com"])
    assert result.exit_code != 0
    assert "ghost@example.com" in result.output


def test_demo_is_idempotent_and_prints_the_login(app, runner):
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])
    assert first.exit_code == second.exit_code == 0
    assert DEMO_EMAIL in first.output
    assert find(app, DEMO_EMAIL) is not None


def test_demo_fills_every_project_it_creates(app, runner):
    from sqlalchemy import func
    from sqlalchemy import select

    from taskmanager import tenancy
    from taskmanager.extensions import db
    from taskmanager.projects.models import Project
    from taskmanager.tasks.models import Task

    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context(), tenancy.system():
        counts = dict(
            db.session.execute(
                select(Project.name, func.count(Task.id))
                .outerjoin(Task, Task.project_id == Project.id)
                .group_by(Project.name)
            ).all()
        )
    assert set(counts) == {"Website launch", "Hiring"}
    assert all(count >= 5 for count in counts.values()), counts


def test_jobs_status_reports_queue_failures_and_schedule(app, runner):
    from taskmanager.mail.jobs import requeue_unsent_emails

    with app.app_context():
        requeue_unsent_emails.run()
    result = runner.invoke(args=["jobs", "status"])
    assert result.exit_code == 0, result.output
    assert "Queue depth (celery):" in result.output
    assert "requeue-unsent-emails: last ran" in result.output
