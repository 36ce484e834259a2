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


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(demo)
