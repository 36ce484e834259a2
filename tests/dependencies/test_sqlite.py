"""On the embedded default (SQLite): loops refused by name, checklists and marks work."""

import threading

import pytest

from tests.api.conftest import Api
from tests.api.conftest import sign_in
from tests.factories import make_user
from tests.factories import sign_in as sign_in_browser
from tests.support.sqlite_app import sqlite_app as embedded

pytestmark = pytest.mark.sqlite


@pytest.fixture
def sqlite_app(tmp_path):
    with embedded(tmp_path) as app:
        yield app


@pytest.fixture
def api(sqlite_app):
    user = make_user(sqlite_app)
    client = sqlite_app.test_client()
    return Api(client, sign_in(client, user)["access_token"])


def new_task(api, project, title):
    return api.post(f"/projects/{project}/tasks", json={"title": title}).json["id"]


def test_a_loop_is_refused_by_name_on_sqlite(sqlite_app, api):
    org = api.post("/orgs", json={"name": "Lite"}).json["id"]
    project = api.post(f"/orgs/{org}/projects", json={"name": "Plan"}).json["id"]
    a, b, c = (new_task(api, project, title) for title in ("A", "B", "C"))
    assert api.post(f"/tasks/{b}/dependencies", json={"blocked_by": a}).status_code == 201
    assert api.post(f"/tasks/{c}/dependencies", json={"blocked_by": b}).status_code == 201
    refused = api.post(f"/tasks/{a}/dependencies", json={"blocked_by": c})
    assert refused.status_code == 409
    assert "“C” blocks “A” blocks “B” blocks “C”" in refused.json["message"]
    assert api.get(f"/tasks/{c}/dependencies").json["blocked"] is True


def test_two_links_at_once_never_close_a_loop_on_sqlite(sqlite_app, api):
    org = api.post("/orgs", json={"name": "Race"}).json["id"]
    project = api.post(f"/orgs/{org}/projects", json={"name": "Plan"}).json["id"]
    a, b = new_task(api, project, "A"), new_task(api, project, "B")
    token = api.token
    barrier = threading.Barrier(2)
    answers: list[int] = []

    def add(task, other):
        client = Api(sqlite_app.test_client(), token)
        barrier.wait()
        answers.append(
            client.post(f"/tasks/{task}/dependencies", json={"blocks": other}).status_code
        )

    threads = [threading.Thread(target=add, args=pair) for pair in ((a, b), (b, a))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers) == [201, 409]


def test_checklist_progress_on_sqlite(sqlite_app, api):
    org = api.post("/orgs", json={"name": "Steps"}).json["id"]
    project = api.post(f"/orgs/{org}/projects", json={"name": "Plan"}).json["id"]
    task = new_task(api, project, "Parent")
    first = api.post(f"/tasks/{task}/checklist", json={"title": "One"}).json["id"]
    api.post(f"/tasks/{task}/checklist", json={"title": "Two"})
    api.patch(f"/checklist-items/{first}", json={"done": True})
    checklist = api.get(f"/tasks/{task}/checklist").json
    assert (checklist["done"], checklist["total"]) == (1, 2)


def test_marks_the_blocked_filter_and_item_versions_on_sqlite(sqlite_app, api):
    org = api.post("/orgs", json={"name": "Marks"}).json["id"]
    project = api.post(f"/orgs/{org}/projects", json={"name": "Plan"}).json["id"]
    a, b = new_task(api, project, "A"), new_task(api, project, "B")
    api.post(f"/tasks/{b}/dependencies", json={"blocked_by": a})
    item = api.post(f"/tasks/{b}/checklist", json={"title": "One"})
    api.patch(f"/checklist-items/{item.json['id']}", json={"done": True})
    shown = api.get(f"/tasks/{b}").json
    assert (shown["checklist"], shown["blocked"]) == ({"done": 1, "total": 1}, True)
    for blocked, titles in (("true", ["B"]), ("false", ["A"])):
        for path in (f"/projects/{project}/tasks", "/tasks"):
            found = api.get(f"{path}?blocked={blocked}").json["items"]
            assert [task["title"] for task in found] == titles, (path, blocked)
    view = api.post(f"/projects/{project}/views", json={"name": "S", "filters": {"blocked": True}})
    assert view.status_code == 201 and view.json["filters"]["blocked"] is True
    stale = api.delete(
        f"/checklist-items/{item.json['id']}", headers={"If-Match": item.headers["ETag"]}
    )
    assert stale.status_code == 412


def test_the_list_and_the_board_filter_by_blocked_on_sqlite(sqlite_app):
    user = make_user(sqlite_app)
    api = Api(sqlite_app.test_client(), sign_in(sqlite_app.test_client(), user)["access_token"])
    org = api.post("/orgs", json={"name": "Pages"}).json
    project = api.post(f"/orgs/{org['id']}/projects", json={"name": "Plan"}).json["id"]
    a, b = new_task(api, project, "Unblocker"), new_task(api, project, "Waiting")
    api.post(f"/tasks/{b}/dependencies", json={"blocked_by": a})
    browser = sqlite_app.test_client()
    sign_in_browser(sqlite_app, browser, user)
    for view in ("", "/board"):
        url = f"/o/{org['slug']}/projects/{project}{view}"
        blocked = browser.get(f"{url}?blocked=true").get_data(as_text=True)
        assert ">Waiting<" in blocked and ">Unblocker<" not in blocked, view
        free = browser.get(f"{url}?blocked=false").get_data(as_text=True)
        assert ">Unblocker<" in free and ">Waiting<" not in free, view
