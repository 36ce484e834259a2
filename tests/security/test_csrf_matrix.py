"""R7, generated from the URL map: no cookie-authenticated write without a CSRF token,
and no GET that changes anything.

Every non-GET page rule (the staff console's too, as staff) is posted by a signed-in
browser without a token, aimed at the signer's own objects so that only the missing
token can refuse it: 400, and no row of any table changes. Every API write sent with
the page's session cookie and no bearer token is 401 (the API reads no cookies).
Every GET, page and API, aimed at the signer's own objects changes no row.
Exemptions, each with its reason, are in tests/support/url_map.py's EXEMPT table.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.factories import sign_in
from tests.support.url_map import CSRF
from tests.support.url_map import KINDS
from tests.support.url_map import SAFE_GET
from tests.support.url_map import Route
from tests.support.url_map import Spec
from tests.support.url_map import Tenant
from tests.support.url_map import cases
from tests.support.url_map import changes
from tests.support.url_map import fingerprint
from tests.support.url_map import plain_values
from tests.support.url_map import unknown_arguments


def signed_in(app: Flask, person: Any) -> Any:
    client = app.test_client()
    sign_in(app, client, person)
    return client


def own_path(route: Route, mine: Tenant) -> str:
    return route.path({**plain_values(route), **mine.values(route.arguments & set(KINDS))})


def writes(app: Flask) -> list[Route]:
    return [r for r in cases(app, CSRF) if r.method != "GET" and not unknown_arguments(r)]


def test_every_page_write_without_a_csrf_token_is_refused_and_changes_nothing(
    app, team, mine, make_user
):
    owner = signed_in(app, team.people["owner"])
    staff = signed_in(app, make_user(staff=True))
    refused: dict[str, Any] = {}
    for route in writes(app):
        if route.is_api:
            continue
        path = own_path(route, mine)  # built before the snapshot
        before = fingerprint(app)
        client = staff if route.is_admin else owner
        answer = client.open(path, method=route.method, data={"x": "1"})
        changed = changes(before, fingerprint(app))
        if answer.status_code != 400 or changed:
            refused[str(route)] = (answer.status_code, changed)
    assert refused == {}, f"writes that did not refuse a missing CSRF token: {refused}"


def test_the_api_takes_no_session_cookie_for_a_write(app, team, mine, spec: Spec):
    browser = signed_in(app, team.people["owner"])
    accepted: dict[str, Any] = {}
    for route in writes(app):
        if not route.is_api or route.endpoint.startswith("api_auth."):
            continue
        path = own_path(route, mine)
        before = fingerprint(app)
        answer = browser.open(path, method=route.method, **spec.body(route))
        changed = changes(before, fingerprint(app))
        if answer.status_code != 401 or changed:
            accepted[str(route)] = (answer.status_code, changed)
    assert accepted == {}


def test_no_get_changes_anything(app, team, mine, make_user):
    owner = signed_in(app, team.people["owner"])
    staff = signed_in(app, make_user(staff=True))
    bearer = _bearer(app, team.people["owner"])
    changed_by: dict[str, Any] = {}
    for route in cases(app, SAFE_GET):
        if route.method != "GET" or unknown_arguments(route):
            continue
        path = own_path(route, mine)
        before = fingerprint(app)
        if route.is_api:
            owner.get(path, headers={"Authorization": f"Bearer {bearer}"})
        else:
            (staff if route.is_admin else owner).get(path)
        changed = changes(before, fingerprint(app))
        if changed:
            changed_by[str(route)] = changed
    assert changed_by == {}, f"GETs that changed rows: {changed_by}"


def _bearer(app: Flask, person: Any) -> str:
    from tests.api.conftest import sign_in as api_sign_in

    token: str = api_sign_in(app.test_client(), person)["access_token"]
    return token


def test_the_fingerprint_sees_a_change_to_any_table(app, team):
    from tests.factories import make_label

    before = fingerprint(app)
    make_label(app, team.org, name="seen")
    assert set(changes(before, fingerprint(app))) == {"labels"}
