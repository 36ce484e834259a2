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
    assert response.status_code == 422
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


def test_a_refused_profile_keeps_every_typed_value_with_a_plain_message(app, auth_client, user):
    typed = {
        "name": "Ada Lovelace",
        "time_zone": "Europe/Paris",
        "notify_mentions": "y",
        "reminder_hours": "500",
    }
    response = post_form(auth_client, "/account/settings", typed)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Use a number of hours from 0 to 168 (one week)." in page
    assert 'value="Ada Lovelace"' in page and 'value="500"' in page
    assert '<option selected value="Europe/Paris">' in page
    assert saved(app, user).name == user.name


def test_the_api_and_the_page_share_the_profile_rules(app, user):
    from tests.api.conftest import Api
    from tests.api.conftest import sign_in

    client = app.test_client()
    api = Api(client, sign_in(client, user)["access_token"])
    # Hours past the document's maximum are 400; a zone of the right shape that
    # this server does not know is 422 (the document cannot list them).
    refused = api.patch("/me", json={"reminder_hours": 500, "time_zone": "Europe/Paris"})
    assert refused.status_code == 400
    assert refused.json["details"] == {
        "reminder_hours": "Use a number of hours from 0 to 168 (one week).",
    }
    unknown = api.patch("/me", json={"reminder_hours": 2, "time_zone": "Mars/Olympus"})
    assert unknown.status_code == 422
    assert unknown.json["details"] == {
        "time_zone": "Choose a time zone from the list, such as Europe/Paris.",
    }
    assert api.patch("/me", json={"reminder_hours": 2, "weekly_summary": False}).status_code == 200
    stored = saved(app, user)
    assert (stored.reminder_hours, stored.weekly_summary) == (2, False)
