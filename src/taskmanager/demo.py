"""Demo data for ``make run``: idempotent, so running it twice changes nothing.

A realistic team: an organization with an owner, an admin, a member and a viewer,
two projects, labels, tasks in every column with owners and due dates, one task
that repeats every Friday, comments and the history those changes leave.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.accounts import services as accounts
from taskmanager.accounts.models import User
from taskmanager.db import utcnow
from taskmanager.extensions import db
from taskmanager.orgs import services as orgs
from taskmanager.orgs.models import Membership
from taskmanager.orgs.models import Organization
from taskmanager.orgs.schemas import OrgCreate
from taskmanager.projects import services as projects
from taskmanager.projects.schemas import LabelIn
from taskmanager.projects.schemas import ProjectIn
from taskmanager.recurrence import services as recurrence
from taskmanager.recurrence.schemas import RecurrenceSet
from taskmanager.tasks import comments
from taskmanager.tasks import listing
from taskmanager.tasks import services as tasks
from taskmanager.tasks.schemas import CommentFields
from taskmanager.tasks.schemas import TaskCreate
from taskmanager.tasks.schemas import TaskUpdate

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "correct horse battery staple"  # noqa: S105 - printed for the newcomer
TEAM = [
    ("admin", "ana@example.com", "Ana Admin"),
    ("member", "max@example.com", "Max Member"),
    ("viewer", "vic@example.com", "Vic Viewer"),
]


def _user(email: str, name: str) -> User:
    return accounts.find_by_email(email) or accounts.create_user(
        email=email, password=DEMO_PASSWORD, name=name, confirmed=True
    )


def create_demo() -> None:
    owner = _user(DEMO_EMAIL, "Dana Demo")
    if db.session.scalar(select(Organization).where(Organization.slug == "demo-team")):
        return
    with tenancy.system():
        org = orgs.create_organization(owner=owner, data=OrgCreate(name="Demo team"))
        people = {"owner": owner}
        for role, email, name in TEAM:
            people[role] = _user(email, name)
            db.session.add(Membership(organization_id=org.id, user_id=people[role].id, role=role))
        db.session.commit()
        actor = orgs.member(org.id, owner.id)
        bug = projects.create_label(actor=actor, data=LabelIn(name="bug", color="#dc3545"))
        design = projects.create_label(actor=actor, data=LabelIn(name="design", color="#6f42c1"))
        launch = projects.create_project(
            actor=actor,
            data=ProjectIn(name="Website launch", description="Everything for the new site."),
        )
        hiring = projects.create_project(
            actor=actor, data=ProjectIn(name="Hiring", description="Our next two engineers.")
        )
        now = utcnow()
        plan = [
            (launch, "Write the launch announcement", "member", 2, [design.id], "in_progress"),
            (launch, "Fix the broken signup link", "admin", -1, [bug.id], "todo"),
            (launch, "Choose the hero image", "owner", 5, [design.id], "todo"),
            (launch, "Set up the status page", "member", 10, [], "todo"),
            (launch, "Buy the domain", "owner", None, [], "done"),
            (hiring, "Write the backend engineer job post", "owner", 3, [], "in_progress"),
            (hiring, "Shortlist candidates from the referrals", "admin", 7, [], "todo"),
            (hiring, "Prepare the take-home exercise", "member", 12, [design.id], "todo"),
            (hiring, "Book interview rooms for next week", "admin", -2, [], "todo"),
            (hiring, "Agree the salary bands", "owner", None, [], "done"),
        ]
        for project, title, who, days, labels, status in plan:
            task = tasks.create_task(
                actor=actor,
                project=project,
                data=TaskCreate(
                    title=title,
                    description=f"**{title}.** Notes and links go here.",
                    assignee_id=people[who].id,
                    due_at=now + timedelta(days=days) if days is not None else None,
                    label_ids=labels,
                ),
            )
            if status != "todo":
                tasks.update_task(actor=actor, task=task, data=TaskUpdate(status=status))
        weekly = tasks.create_task(
            actor=actor, project=launch,
            data=TaskCreate(title="Send the weekly progress note", assignee_id=owner.id),
        )  # fmt: skip
        rule = RecurrenceSet(rule="FREQ=WEEKLY;BYDAY=FR", timezone="Europe/Berlin")
        recurrence.set_recurrence(actor=actor, task=weekly, data=rule)
        first = listing.list_tasks(project=launch, filters=listing.TaskFilters()).items[0]
        member = orgs.member(org.id, people["member"].id)
        comments.add_comment(
            actor=member, task=first, data=CommentFields(body="Draft is in the shared folder.")
        )
