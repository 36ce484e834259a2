"""The staff admin: invisible to everyone else, secret-free, acting through the services."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.accounts.models import User
from taskmanager.admin.models import StaffAction
from taskmanager.api.models import PersonalToken
from taskmanager.extensions import db
from taskmanager.mail.models import OutboundEmail
from tests.api.conftest import Api
from tests.api.conftest import sign_in as api_sign_in
from tests.conftest import csrf_token


def admin_rules(app):
    """Every URL rule the admin registered, from its own blueprints: none forgotten."""
    names = {view.blueprint.name for view in app.extensions["admin"][0]._views}
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.split(".")[0] in names]
    assert len(rules) > 20, rules  # 9 views, each with several URLs
    return rules


def path_of(rule):
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", "1", rule.rule)


@pytest.fixture
def staff(make_user):
    return make_user(name="Sam Staff", staff=True)


@pytest.fixture
def secrets_at_rest(app, make_user, team):
    """A user with every secret the database holds: hash, TOTP secret, tokens, a reset link."""
    victim = make_user(email="victim@example.com")
    with app.app_context(), tenancy.system():
        user = db.session.get(User, victim.id)
        user.tf_totp_secret = "TOTPSECRET-DO-NOT-SHOW-1234567890"
        user.calendar_token_hash = "c" * 64
        db.session.add(
            PersonalToken(user_id=user.id, name="ci", token_hash="d" * 64, prefix="tmp_abcd")
        )
        db.session.add(
            OutboundEmail(
                key="reset:1", recipient=user.email, subject="Reset your password",
                text_body="https://x/reset/RESET-TOKEN-DO-NOT-SHOW", last_error="SMTP down",
            )
        )  # fmt: skip
        db.session.commit()
        return [user.password, user.tf_totp_secret, "c" * 64, "d" * 64, "RESET-TOKEN-DO-NOT-SHOW"]


def test_anonymous_and_non_staff_get_404_on_every_admin_url(app, as_user, make_user):
    people = {"anonymous": app.test_client(), "member": as_user(make_user())}
    token = csrf_token(people["member"], "/account/settings")
    for who, client in people.items():
        for rule in admin_rules(app):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                data = {"csrf_token": token} if method == "POST" else None
                response = client.open(path_of(rule), method=method, data=data)
                assert response.status_code == 404, (who, method, rule.rule, response.status_code)
                assert "admin" not in response.get_data(as_text=True).lower(), rule.rule


def test_staff_never_see_a_hash_or_secret_on_any_admin_page(app, as_user, staff, secrets_at_rest):
    client = as_user(staff)
    pages = [path_of(r) for r in admin_rules(app) if "GET" in r.methods and "<" not in r.rule]
    pages += ["/admin/user/?search=victim", "/admin/organization/"]
    seen = 0
    for path in pages:
        response = client.get(path)
        if response.status_code != 200:
            assert response.status_code in (302, 404), (path, response.status_code)
            continue
        seen += 1
        html = response.get_data(as_text=True)
        for secret in secrets_at_rest:
            assert secret not in html, (path, secret[:12])
        assert "$argon2" not in html, path
        assert "nonce-" in response.headers["Content-Security-Policy"], path
        assert response.headers["X-Frame-Options"] == "DENY"
    assert seen >= 9
    assert "victim@example.com" in client.get("/admin/user/?search=victim").get_data(as_text=True)


def test_failed_emails_come_first(app, as_user, staff, secrets_at_rest):
    with app.app_context():
        for n in range(3):
            db.session.add(OutboundEmail(key=f"ok:{n}", recipient="a@example.com",
                                         subject=f"Fine {n}", text_body="x"))  # fmt: skip
        db.session.commit()
    html = as_user(staff).get("/admin/outboundemail/").get_data(as_text=True)
    assert html.index("Reset your password") < html.index("Fine 2")


def action(client, view, name, ids):
    token = csrf_token(client, f"/admin/{view}/")
    return client.post(
        f"/admin/{view}/action/",
        data={"action": name, "rowid": [str(i) for i in ids], "csrf_token": token},
    )


def test_deactivating_ends_the_sessions_and_tokens_and_is_recorded(app, as_user, staff, make_user):
    member = make_user(email="leaving@example.com")
    web = as_user(member)
    api_client = app.test_client()
    api = Api(api_client, api_sign_in(api_client, member)["access_token"])
    assert web.get("/dashboard").status_code == 200 and api.get("/me").status_code == 200

    response = action(as_user(staff), "user", "deactivate", [member.id])
    assert response.status_code == 302

    assert web.get("/dashboard").status_code in (302, 401)
    assert api.get("/me").status_code == 401
    with app.app_context():
        assert db.session.get(User, member.id).active is False
        log = db.session.scalar(select(StaffAction).where(StaffAction.target_id == member.id))
        assert (log.action, log.staff_email) == ("user.deactivated", staff.email)


def test_activating_again_lets_the_person_sign_in(app, as_user, staff, make_user):
    member = make_user()
    action(as_user(staff), "user", "deactivate", [member.id])
    action(as_user(staff), "user", "activate", [member.id])
    client = app.test_client()
    assert client.post("/api/v1/auth/tokens", json={"email": member.email,
                       "password": "a sturdy passphrase for tests"}).status_code == 201  # fmt: skip


def test_staff_cannot_deactivate_themselves(app, as_user, staff):
    client = as_user(staff)
    action(client, "user", "deactivate", [staff.id])
    assert "You cannot deactivate your own account" in client.get("/admin/user/").get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.get(User, staff.id).active is True


def test_resending_the_confirmation_queues_the_email(app, as_user, staff, make_user):
    newcomer = make_user(email="unconfirmed@example.com", confirmed=False)
    action(as_user(staff), "user", "resend_confirmation", [newcomer.id])
    with app.app_context():
        sent = db.session.scalars(
            select(OutboundEmail).where(OutboundEmail.recipient == newcomer.email)
        ).all()
        assert sent, "no confirmation email queued"
        assert (
            db.session.scalar(
                select(StaffAction.action).where(StaffAction.target_id == newcomer.id)
            )
            == "user.confirmation_resent"
        )


def test_the_dashboard_counts_and_charts_the_last_30_days(app, as_user, staff, team):
    html = as_user(staff).get("/admin/").get_data(as_text=True)
    assert "Sign-ups and tasks created per day" in html
    assert "<polyline" in html and "Tasks created (1)" in html
    assert re.search(r"Organizations</div>\s*<div class=\"h4 mb-0\">1<", html)


def test_organizations_show_plan_usage_and_subscription(app, as_user, staff, team):
    html = as_user(staff).get("/admin/organization/").get_data(as_text=True)
    assert "Acme" in html and "4/5 members" in html and "1/3 projects" in html
    assert f"{team.people['owner'].email} (owner)" in html


def test_an_admin_action_without_the_csrf_token_is_refused(app, as_user, staff, make_user):
    member = make_user()
    client = as_user(staff)
    response = client.post(
        "/admin/user/action/", data={"action": "deactivate", "rowid": [str(member.id)]}
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(User, member.id).active is True
