"""In-app notifications: one item per event and person, the bell, the list, reading them."""

import re

from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.accounts.models import User
from taskmanager.extensions import db
from taskmanager.mail.models import OutboundEmail
from taskmanager.notifications import services as notify
from taskmanager.notifications.jobs import send_due_reminders
from taskmanager.notifications.models import Notification
from taskmanager.orgs.services import member as membership_of
from taskmanager.tasks.models import Task
from tests.conftest import post
from tests.factories import add_member
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task
from tests.factories import make_user as factory_user
from tests.notifications.test_notifications import emails_to
from tests.notifications.test_notifications import set_user

BELL = re.compile(
    r'id="tm-bell-count" class="badge rounded-pill tm-bell-count( d-none)?"[^>]*>(\d+)'
)


def items_of(app, user, kind=None):
    with app.app_context(), tenancy.system():
        query = select(Notification).where(Notification.user_id == user.id)
        if kind:
            query = query.where(Notification.kind == kind)
        rows = db.session.scalars(query.order_by(Notification.id)).all()
        for row in rows:
            db.session.expunge(row)
    return rows


def bell(client):
    """The bell's number on the dashboard, as the page shows it (0 when hidden)."""
    match = BELL.search(client.get("/dashboard").get_data(as_text=True))
    assert match, "no bell on the dashboard"
    return 0 if match.group(1) else int(match.group(2))


def comment(app, task, author, body):
    from taskmanager.tasks import comments
    from taskmanager.tasks.schemas import CommentFields

    with app.test_request_context(), tenancy.system():
        actor = membership_of(task.organization_id, author.id)
        comments.add_comment(
            actor=actor, task=db.session.get(Task, task.id), data=CommentFields(body=body)
        )


def complete(app, task, actor_user):
    from taskmanager.tasks import services as tasks
    from taskmanager.tasks.schemas import TaskUpdate

    with app.test_request_context(), tenancy.system():
        actor = membership_of(task.organization_id, actor_user.id)
        tasks.update_task(
            actor=actor, task=db.session.get(Task, task.id), data=TaskUpdate(status="done")
        )


def test_an_assignment_is_one_item_and_one_email_for_the_assignee(app, team, as_user):
    member, owner = team.people["member"], team.people["owner"]
    task = make_task(app, team.project, owner, title="Ship the beta", assignee_id=member.id)
    (item,) = items_of(app, member)
    assert (item.kind, item.task_id, item.actor_id) == ("assigned", task.id, owner.id)
    assert len(emails_to(app, member.email, "assigned you")) == 1
    assert items_of(app, owner) == []
    assert bell(as_user(member)) == 1
    assert bell(as_user(owner)) == 0


def test_the_same_event_reported_twice_is_recorded_and_sent_once(app, team):
    member, owner = team.people["member"], team.people["owner"]
    with app.test_request_context(), tenancy.system():
        task = db.session.get(Task, team.task.id)
        people = [db.session.get(User, member.id)] * 2
        actor = db.session.get(User, owner.id)
        for _ in range(2):
            notify.notify(recipients=people, kind="completed", task=task, actor=actor, key="x:1")
        db.session.commit()
    assert len(items_of(app, member)) == 1
    assert len(emails_to(app, member.email, "completed")) == 1


def test_an_email_preference_turned_off_keeps_the_item_but_sends_no_email(app, team):
    member = team.people["member"]
    set_user(app, member, notify_assigned=False)
    make_task(app, team.project, team.people["owner"], title="Quiet one", assignee_id=member.id)
    assert [item.kind for item in items_of(app, member)] == ["assigned"]
    assert emails_to(app, member.email) == []


def test_nobody_is_told_of_their_own_action(app, team):
    member = team.people["member"]
    task = make_task(app, team.project, member, title="Mine", assignee_id=member.id)
    comment(app, task, member, "A note to self")
    complete(app, task, member)
    assert items_of(app, member) == []
    assert emails_to(app, member.email) == []


def test_opening_the_list_shows_the_items_with_links_and_reads_them(app, team, as_user):
    member = team.people["member"]
    task = make_task(app, team.project, team.people["owner"], title="Plan", assignee_id=member.id)
    client = as_user(member)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Olive Owner assigned you" in page and "Plan" in page
    assert f'href="/o/{team.org.slug}/tasks/{task.id}"' in page
    assert "(new)" in page
    assert bell(client) == 0
    assert "(new)" not in client.get("/notifications").get_data(as_text=True)


def test_the_bell_menu_reads_what_it_shows_and_resets_the_count_in_place(app, team, as_user):
    member = team.people["member"]
    make_task(app, team.project, team.people["owner"], title="Menu item", assignee_id=member.id)
    client = as_user(member)
    assert bell(client) == 1
    menu = client.get("/notifications/menu", headers={"HX-Request": "true"})
    html = menu.get_data(as_text=True)
    assert menu.status_code == 200 and "Menu item" in html and "<html" not in html
    assert re.search(r'id="tm-bell-count" class="[^"]*d-none"[^>]*hx-swap-oob="true"', html)
    assert bell(client) == 0


def test_mark_all_read_reads_the_items_beyond_the_first_page(app, team, as_user):
    member, owner = team.people["member"], team.people["owner"]
    for n in range(9):
        make_task(app, team.project, owner, title=f"Batch {n}", assignee_id=member.id)
    client = as_user(member)
    client.get("/notifications/menu")  # reads the latest 8
    assert bell(client) == 1
    response = post(client, "/notifications/read", {})
    assert response.status_code == 303
    assert bell(client) == 0


def test_the_list_without_items_says_what_will_appear_there(as_user, user):
    page = as_user(user).get("/notifications").get_data(as_text=True)
    assert "No notifications yet." in page and "Follow a task" in page


def test_someone_removed_from_an_organization_no_longer_sees_or_gets_its_items(app, team, as_user):
    member, owner = team.people["member"], team.people["owner"]
    task = make_task(app, team.project, owner, title="Before leaving", assignee_id=member.id)
    client = as_user(member)
    assert bell(client) == 1
    post(as_user(owner), f"/o/{team.org.slug}/members/{member.id}/remove", {})
    assert bell(client) == 0
    assert "Before leaving" not in client.get("/notifications").get_data(as_text=True)
    comment(app, task, owner, "Anyone still here?")
    assert [item.kind for item in items_of(app, member)] == ["assigned"]
    assert emails_to(app, member.email, "commented") == []


def test_watchers_hear_of_comments_and_the_mentioned_of_the_mention_only(app, team):
    owner, member, admin = team.people["owner"], team.people["member"], team.people["admin"]
    task = make_task(app, team.project, owner, title="Discuss", assignee_id=member.id)
    handle = member.email.split("@")[0]
    comment(app, task, admin, f"@{handle} what do you think?")
    assert [item.kind for item in items_of(app, member)] == ["assigned", "mentioned"]
    (told,) = items_of(app, owner)
    assert told.kind == "commented" and told.excerpt.endswith("what do you think?")
    assert len(emails_to(app, owner.email, "commented on Discuss")) == 1
    assert emails_to(app, member.email, "commented") == []
    assert items_of(app, admin) == []  # the author, who now follows the task


def test_a_comment_notifies_a_viewer_who_follows_the_task(app, team, as_user):
    viewer = team.people["viewer"]
    post(as_user(viewer), f"/o/{team.org.slug}/tasks/{team.task.id}/watch", {"watching": "1"})
    comment(app, team.task, team.people["admin"], "Status update")
    assert [item.kind for item in items_of(app, viewer)] == ["commented"]


def test_completing_a_task_tells_its_watchers_once_per_completion(app, team):
    owner, member = team.people["owner"], team.people["member"]
    task = make_task(app, team.project, owner, title="Finish me", assignee_id=member.id)
    complete(app, task, member)
    complete(app, task, member)  # already done: no new event
    assert [item.kind for item in items_of(app, owner)] == ["completed"]
    (email,) = emails_to(app, owner.email, "completed Finish me")
    assert f"/o/{team.org.slug}/tasks/{task.id}" in email.text_body


def test_the_watching_preference_turns_off_only_those_emails(app, team):
    owner = team.people["owner"]
    set_user(app, owner, notify_watching=False)
    comment(app, team.task, team.people["member"], "Quiet comment")
    assert [item.kind for item in items_of(app, owner)] == ["commented"]
    assert emails_to(app, owner.email) == []


def test_a_due_reminder_is_an_item_too(app, team):
    from datetime import UTC
    from datetime import datetime
    from datetime import timedelta

    member = team.people["member"]
    due = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
    make_task(app, team.project, team.people["owner"], assignee_id=member.id, due_at=due)
    with app.app_context():
        assert send_due_reminders(now=(due - timedelta(hours=2)).isoformat()) == 1
        assert send_due_reminders(now=(due - timedelta(hours=1)).isoformat()) == 0
    assert [item.kind for item in items_of(app, member)] == ["assigned", "due_soon"]
    assert items_of(app, member)[1].actor_id is None


def test_the_dependencies_feature_can_tell_an_assignee_their_task_is_unblocked(app, team):
    owner, member = team.people["owner"], team.people["member"]
    blocked = make_task(app, team.project, owner, title="Launch", assignee_id=member.id)
    blocker = make_task(app, team.project, owner, title="Get approval")
    with app.test_request_context(), tenancy.system():
        recorded = notify.notify(
            recipients=[db.session.get(User, member.id)], kind="unblocked", still_blocked=False,
            task=db.session.get(Task, blocked.id), actor=db.session.get(User, owner.id),
            key=f"unblocked:{blocked.id}:{blocker.id}", excerpt="“Get approval” is done",
            blocker=db.session.get(Task, blocker.id),
        )  # fmt: skip
        db.session.commit()
    assert len(recorded) == 1
    (email,) = emails_to(app, member.email, "Unblocked: Launch")
    assert "Get approval" in email.text_body and "/unsubscribe/" in email.text_body


def test_items_are_personal_and_stay_in_their_organization(app, team, as_user, make_user):
    member = team.people["member"]
    make_task(app, team.project, team.people["owner"], title="Private item", assignee_id=member.id)
    stranger = make_user()
    org_b = make_org(app, stranger, name="Elsewhere")
    add_member(app, org_b, team.people["admin"], "member")
    make_task(app, make_project(app, org_b), stranger, assignee_id=team.people["admin"].id)
    admin = as_user(team.people["admin"])
    assert bell(admin) == 1  # their own, from the other organization
    assert "Private item" not in as_user(stranger).get("/notifications").get_data(as_text=True)
    assert "Private item" not in admin.get("/notifications").get_data(as_text=True)


def test_the_emails_of_one_event_are_keyed_per_person(app, team):
    owner, admin = team.people["owner"], team.people["admin"]
    for person in (admin, team.people["viewer"]):
        with app.test_request_context(), tenancy.system():
            from taskmanager.notifications import watchers

            watchers.follow(task=db.session.get(Task, team.task.id), user_ids=[person.id])
            db.session.commit()
    comment(app, team.task, owner, "Hello all")
    with app.app_context():
        keys = set(
            db.session.scalars(select(OutboundEmail.key).where(OutboundEmail.key.like("comment:%")))
        )
    assert len(keys) == 2


def test_a_new_user_can_be_notified_without_any_setup(app, team):
    newcomer = factory_user(app)
    add_member(app, team.org, newcomer, "member")
    make_task(app, team.project, team.people["owner"], assignee_id=newcomer.id)
    assert len(items_of(app, newcomer)) == 1
