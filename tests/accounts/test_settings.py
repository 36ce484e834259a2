from taskmanager.accounts.models import User
from taskmanager.extensions import db
from tests.conftest import post_form


def saved(app, user):
    with app.app_context():
        return db.session.get(User, user.id)


def test_profile_and_time_zone_are_saved(app, auth_client, user):
    response = post_form(
        auth_client,
        "/account/settings",
        {"name": "Ada Lovelace", "time_zone": "Europe/Paris"},
    )
    assert response.status_code == 302
    stored = saved(app, user)
    assert (stored.name, stored.time_zone) == ("Ada Lovelace", "Europe/Paris")
    assert "Your profile is saved" in auth_client.get("/account/settings").get_data(as_text=True)


def test_unknown_time_zone_is_refused_and_nothing_changes(app, auth_client, user):
    response = post_form(
        auth_client, "/account/settings", {"name": "Changed", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 400
    assert saved(app, user).name == user.name


def test_markup_in_the_name_is_shown_as_text(auth_client):
    post_form(
        auth_client,
        "/account/settings",
        {"name": "<script>alert(1)</script>", "time_zone": "UTC"},
    )
    page = auth_client.get("/account/settings").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_settings_need_a_signed_in_user(client):
    response = client.get("/account/settings")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
