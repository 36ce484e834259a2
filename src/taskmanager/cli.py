"""Command line: ``flask --app taskmanager users ...``, ``demo``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from flask.cli import with_appcontext

from taskmanager.accounts import services as accounts
from taskmanager.demo import DEMO_EMAIL
from taskmanager.demo import DEMO_PASSWORD
from taskmanager.demo import create_demo
from taskmanager.errors import DomainError
from taskmanager.imports import status as job_status

users = AppGroup("users", help="Manage user accounts.")


@users.command("create")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", default="")
@click.option("--staff", is_flag=True, help="Give access to the /admin dashboard.")
@click.option("--confirmed", is_flag=True, help="Mark the email address as confirmed.")
def create_user(email: str, password: str, name: str, staff: bool, confirmed: bool) -> None:
    """Create an account for EMAIL."""
    try:
        user = accounts.create_user(
            email=email, password=password, name=name, staff=staff, confirmed=confirmed
        )
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created {user.email}{' (staff)' if staff else ''}.")


@users.command("deactivate")
@click.argument("email")
def deactivate_user(email: str) -> None:
    """Block sign-in for EMAIL and end all of its sessions."""
    try:
        user = accounts.deactivate(email=email)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Deactivated {user.email}; its sessions are ended.")


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Create the demo data (safe to run again)."""
    create_demo()
    click.echo(f"Demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}")


jobs = AppGroup("jobs", help="Background jobs.")


@jobs.command("status")
def jobs_status() -> None:
    """Queue depth, recent failures and the last run of each scheduled job."""
    report = job_status.status()
    depth = "unreachable" if report.queue_depth is None else str(report.queue_depth)
    click.echo(f"Queue depth (celery): {depth}")
    click.echo(f"Emails failing to send: {len(report.unsent_emails)}")
    for email in report.unsent_emails:
        click.echo(
            f"  #{email.id} to {email.recipient}: {email.last_error} ({email.attempts} tries)"
        )
    click.echo(f"Failed import/export jobs: {len(report.failed_jobs)}")
    click.echo("Scheduled jobs:")
    if not report.schedule:
        click.echo("  none has run yet (is celery beat running?)")
    for run in report.schedule:
        click.echo(
            f"  {run.name}: last ran {run.last_run_at:%Y-%m-%d %H:%M:%S} UTC, {run.last_result}"
        )


def init_app(app: Flask) -> None:
    app.cli.add_command(jobs)
    app.cli.add_command(users)
    app.cli.add_command(demo)
