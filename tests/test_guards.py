"""Hostile input gets a 4xx in the right shape, never a 500 (guards.py, web.py, links.py)."""

import io

import orjson
import pytest
from werkzeug.exceptions import RequestEntityTooLarge

from taskmanager import create_app
from taskmanager.guards import bound_streamed_body
from taskmanager.jsonprovider import OrjsonProvider
from taskmanager.jsonprovider import TooDeep
from taskmanager.links import safe_target
from tests.accounts.test_sessions import sign_in
from tests.conftest import post
from tests.conftest import post_form

HUGE = "99999999999999999999"  # past 2**63


def test_a_17_mb_json_body_is_413_in_the_error_shape(client):
    body = b'{"email":"' + b"x" * (17 * 1024 * 1024) + b'"}'
    response = client.post("/api/v1/auth/tokens", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json["error"] == "payload_too_large"


@pytest.mark.parametrize("path", ["/api/v1/auth/tokens", "/api/v1/auth/register"])
def test_deeply_nested_json_is_400_in_the_error_shape(client, path):
    response = client.post(path, data="[" * 50_000, content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"] == "invalid_json"


def test_the_app_writes_json_with_orjson_and_reads_it_with_the_depth_bound(app):
    # One provider does both. A second one set by guards.py once replaced this one,
    # and every answer went back to the standard library's encoder unnoticed.
    assert isinstance(app.json, OrjsonProvider)
    value = {"b": 1, "a": [1, "é", None]}
    assert app.json.dumps(value) == orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    with pytest.raises(TooDeep):
        app.json.loads("[" * 50_000)


def test_deeply_nested_json_to_a_page_is_a_400_page(client):
    response = client.post("/login", data="[" * 50_000, content_type="application/json")
    assert response.status_code == 400


def test_a_route_can_raise_the_body_bound_for_itself(app):
    # How an upload route takes more than the global bound (Flask 3.1).
    assert app.config["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024
    assert app.config["MAX_FORM_MEMORY_SIZE"] == 500_000
    with app.test_request_context("/x", method="POST", data=b"x" * 20, content_type="text/plain"):
        from flask import request

        request.max_content_length = 100 * 1024 * 1024
        assert request.max_content_length == 100 * 1024 * 1024


@pytest.mark.parametrize("view", ["", "/board"])
@pytest.mark.parametrize(
    "query",
    [
        f"page={HUGE}",
        f"assignee={HUGE}",
        f"label={HUGE}",
        f"per_page={HUGE}",
        "due_before=9999-12-31",
        "due_after=0001-01-01",
        "due_before=0001-01-01",
    ],
)
def test_out_of_range_page_filters_are_not_a_500(team, as_user, view, query):
    client = as_user(team.people["member"])
    response = client.get(f"/o/{team.org.slug}/projects/{team.project.id}{view}?{query}")
    assert response.status_code == 200


def test_a_huge_user_id_in_the_transfer_form_is_not_a_500(team, as_user):
    client = as_user(team.people["owner"])
    response = post(client, f"/o/{team.org.slug}/transfer", {"user_id": HUGE})
    assert 400 <= response.status_code < 500 or response.status_code == 303


def test_a_huge_label_id_in_the_task_form_is_not_a_500(team, as_user):
    client = as_user(team.people["member"])
    response = post(
        client,
        f"/o/{team.org.slug}/projects/{team.project.id}/tasks",
        {"title": "x", "labels_sent": "1", "label_ids": [HUGE, "²"]},
    )
    assert response.status_code == 303


@pytest.mark.parametrize(
    "url",
    [
        "/o/acme%00/projects",
        "/invitations/a%00b",
        "/calendar/a%00b.ics",
        "/unsubscribe/a%00b",
        "/o/{slug}/projects/{project}?q=%00",
        "/o/{slug}/projects/{project}/board?q=a%00",
    ],
)
def test_nul_in_the_address_is_a_400_page(team, as_user, url):
    client = as_user(team.people["member"])
    response = client.get(url.format(slug=team.org.slug, project=team.project.id))
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


def test_nul_in_a_page_form_field_is_a_400_page(team, as_user):
    client = as_user(team.people["owner"])
    response = post(client, f"/o/{team.org.slug}/rename", {"name": "Ac\x00me"})
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


def test_nul_in_the_sign_in_form_is_a_400_page(client):
    response = post_form(client, "/login", {"email": "a\x00@example.com", "password": "x"})
    assert response.status_code == 400


def test_nul_on_sqlite_search_is_a_400(tmp_path):
    from tests.factories import make_org
    from tests.factories import make_project
    from tests.factories import make_user
    from tests.factories import sign_in as factory_sign_in
    from tests.support.sqlite_app import migrate

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "sqlite-test-secret-key-0123456789abcdef",
            "DATABASE_URL": f"sqlite:///{tmp_path}/tm.sqlite3",
        }
    )
    migrate(app)
    user = make_user(app)
    org = make_org(app, user)
    project = make_project(app, org)
    client = app.test_client()
    factory_sign_in(app, client, user)
    assert client.get(f"/o/{org.slug}/projects/{project.id}?q=x").status_code == 200
    assert client.get(f"/o/{org.slug}/projects/{project.id}?q=%00").status_code == 400


@pytest.mark.parametrize("length", [1001, 5000])
def test_an_overlong_password_on_sign_in_is_a_400_page(client, user, length):
    response = sign_in(client, user.email, password="a" * length)
    assert response.status_code == 400
    assert "at most 1,000 characters" in response.get_data(as_text=True)


def test_an_overlong_new_password_on_change_is_a_400_page(app, client, user):
    sign_in(client, user.email)
    long = "a" * 5000
    response = post_form(
        client, "/change", {"password": long, "new_password": long, "new_password_confirm": long}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "/\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\t/evil.example",
        "evil.example",
    ],
)
def test_back_never_leaves_the_site(target):
    assert safe_target(target, "/home") == "/home"


def test_back_keeps_local_paths():
    assert (
        safe_target("/o/acme/projects/1?status=todo", "/home") == "/o/acme/projects/1?status=todo"
    )


def test_the_create_task_form_does_not_redirect_off_site(team, as_user):
    client = as_user(team.people["member"])
    response = post(
        client,
        f"/o/{team.org.slug}/projects/{team.project.id}/tasks",
        {"title": "x", "back": "//evil.example/x"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/o/{team.org.slug}/projects/{team.project.id}"


def test_sign_in_does_not_redirect_off_site(client, user):
    response = sign_in(client, user.email, next_url="//evil.example/x")
    assert "evil.example" not in response.headers.get("Location", ""), response.status_code


def test_a_17_mb_chunked_json_body_is_413_too(app):
    body = b'{"email":"' + b"x" * (17 * 1024 * 1024) + b'"}'
    with app.test_request_context(
        "/api/v1/auth/tokens",
        method="POST",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    ):
        from flask import request

        assert request.content_length is None
        with pytest.raises(RequestEntityTooLarge):
            bound_streamed_body()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_the_api_refuses_due_dates_at_the_calendars_edges_with_400(team, app, day):
    from tests.api.conftest import Api
    from tests.api.conftest import sign_in as api_sign_in

    client = app.test_client()
    api = Api(client, api_sign_in(client, team.people["member"])["access_token"])
    response = api.get(f"/projects/{team.project.id}/tasks?due_before={day}")
    assert response.status_code == 400
    assert response.json["error"] == "validation_error"
