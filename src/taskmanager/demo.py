"""Demo data for ``make run``: idempotent, so running it twice changes nothing."""

from __future__ import annotations

from taskmanager.accounts import services as accounts

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "correct horse battery staple"  # noqa: S105 - printed for the newcomer


def create_demo() -> None:
    if accounts.find_by_email(DEMO_EMAIL) is None:
        accounts.create_user(
            email=DEMO_EMAIL, password=DEMO_PASSWORD, name="Dana Demo", confirmed=True
        )
