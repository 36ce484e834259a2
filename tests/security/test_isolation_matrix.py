"""R2, generated from the URL map: another organization's ids are 404 on every route.

Every page and API rule that takes an id is called by each role of organization A
with organization B's objects (tests/support/url_map.py builds one of each kind);
pages also with B's slug. Every answer is 404 (or the 403 the role gets on that route
for an id that exists nowhere, which tells nothing about B), none shows B's rows, and
no row of any table changes. Every GET, aimed at A's own objects, shows nothing of B.
A rule whose parameters no builder knows fails here by name.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api
from tests.conftest import csrf_token
from tests.security.conftest import MARKER
from tests.support.url_map import ISOLATION
from tests.support.url_map import KINDS
from tests.support.url_map import Route
from tests.support.url_map import Spec
from tests.support.url_map import Tenant
from tests.support.url_map import cases
from tests.support.url_map import changes
from tests.support.url_map import plain_values
from tests.support.url_map import snapshot
from tests.support.url_map import unknown_arguments

ROLES = ["owner", "admin", "member", "viewer"]
NOWHERE = 2**31 - 1  # an id no row has


def isolation_routes(app: Any) -> list[Route]:
    """Routes that take an object of a kind (the staff console is exempt by design)."""
    return [
        route
        for route in cases(app, ISOLATION)
        if not route.is_admin and route.arguments & set(KINDS)
    ]


def aimed_at(route: Route, mine: Tenant, theirs: Tenant) -> list[str]:
    """``route``'s paths with B's objects: on a page also under A's slug (B's ids in A)."""
    kinds = route.arguments & set(KINDS)
    values = {**plain_values(route), **theirs.values(kinds)}
    paths = [route.path(values)]
    if "slug" in kinds and len(kinds) > 1:
        paths.append(route.path({**values, "slug": mine["slug"]}))
    return paths


def test_every_route_parameter_has_a_builder_or_a_reason(app):
    missing = {
        str(route): sorted(unknown_arguments(route))
        for route in cases(app, ISOLATION)
        if not route.is_admin and unknown_arguments(route)
    }
    assert missing == {}, (
        "add a builder for these URL parameters to KINDS in tests/support/url_map.py, "
        "or an exemption with its reason to EXEMPT"
    )


@pytest.mark.parametrize("role", ROLES)
def test_another_organizations_ids_are_404_on_every_route(app, team, mine, theirs, spec, role):
    person = team.people[role]
    api = _api(app, person)
    page = _page_client(app, person)
    token = csrf_token(page, "/account/settings")
    before = snapshot(app)

    def call(route: Route, path: str) -> Any:
        if route.is_api:
            return api.client.open(
                path, method=route.method, headers=api.headers(), **spec.body(route)
            )
        data = {"csrf_token": token} if route.method != "GET" else None
        return page.open(path, method=route.method, data=data)

    wrong: dict[str, Any] = {}
    for route in isolation_routes(app):
        for path in aimed_at(route, mine, theirs):
            answer = call(route, path)
            if _shows(answer, MARKER) or (
                answer.status_code != 404 and not _refused_for_any_id(answer, route, call, mine)
            ):
                wrong[f"{route.method} {path} ({route.endpoint})"] = answer.status_code

    assert wrong == {}, (
        f"a foreign id must answer 404 and show nothing of its organization: {wrong}"
    )
    assert changes(before, snapshot(app)) == {}


# The most and the least a role sees.
@pytest.mark.parametrize("role", ["owner", "viewer"])
def test_every_list_and_page_shows_nothing_of_another_organization(
    app, team, mine, theirs, spec, role
):
    """GETs with A's own objects, and API lists filtered by B's ids in the query."""
    person = team.people[role]
    api = _api(app, person)
    page = _page_client(app, person)
    leaks: dict[str, Any] = {}
    for route in cases(app, ISOLATION):
        if route.method != "GET" or route.is_admin or unknown_arguments(route):
            continue
        path = route.path({**plain_values(route), **mine.values(route.arguments & set(KINDS))})
        queries = [""]
        if route.is_api:
            queries += [f"?{name}={_query_value(name, theirs)}" for name in spec.query_ids(route)]
        for query in queries:
            if route.is_api:
                answer = api.client.get(path + query, headers=api.headers())
            else:
                answer = page.get(path + query)
            if _shows(answer, MARKER) or answer.status_code >= 500:
                leaks[f"GET {path}{query} ({route.endpoint})"] = answer.status_code
    assert leaks == {}


def _refused_for_any_id(answer: Any, route: Route, call: Any, mine: Tenant) -> bool:
    """A 403 the role gets on this route whatever the id (one that exists nowhere too):
    it tells nothing about the other organization's object, as a 404 would not."""
    if answer.status_code != 403:
        return False
    nowhere: dict[str, Any] = {name: NOWHERE for name in route.arguments & set(KINDS)}
    if "slug" in route.arguments:
        nowhere["slug"] = mine["slug"]
    return bool(call(route, route.path({**plain_values(route), **nowhere})).status_code == 403)


def _shows(answer: Any, marker: str) -> bool:
    return marker.lower().encode() in answer.get_data().lower()


def _query_value(name: str, tenant: Tenant) -> Any:
    from tests.support.url_map import QUERY_KINDS

    return tenant[QUERY_KINDS[name]]


class _Bearer(Api):
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def _api(app: Any, person: Any) -> _Bearer:
    from tests.api.conftest import sign_in

    client = app.test_client()
    return _Bearer(client, sign_in(client, person)["access_token"])


def _page_client(app: Any, person: Any) -> Any:
    from tests.factories import sign_in

    client = app.test_client()
    sign_in(app, client, person)
    return client


def test_the_matrix_reaches_every_kind_of_object(app):
    """The generator found routes for each builder (a renamed parameter would drop out)."""
    used = set().union(*(route.arguments for route in isolation_routes(app)))
    assert set(KINDS) - used == set()


def test_the_builders_make_objects_of_organization_b(app, theirs: Tenant, spec: Spec):
    assert all(theirs[name] for name in KINDS)
