"""Task lists page by cursor (keyset) as well as by number.

Walking a list by ``next_cursor`` yields every task once, in the order the numbered
pages show; a cursor works only for the list, sort and filters it came from; and
tasks added earlier in the order do not shift the pages after a cursor.
"""

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import event
from sqlalchemy import update

from taskmanager import tenancy
from taskmanager.extensions import db
from taskmanager.tasks.models import Priority
from taskmanager.tasks.models import Task
from tests.factories import make_task

SORTS = ["position", "due_at", "-created_at", "priority", "title"]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
# title, status, priority, due, created (hours after T0): ties on every key.
TASKS = [
    ("alpha", "todo", "high", T0 + DAY, 0),
    ("Alpha", "todo", "high", T0 + DAY, 0),
    ("beta", "in_progress", "low", None, 1),
    ("gamma", "done", "urgent", None, 1),
    ("delta", "todo", "normal", T0 + 2 * DAY, 1),
    ("epsilon", "in_progress", "normal", T0 + DAY, 2),
    ("zeta", "todo", "urgent", None, 2),
    ("eta", "done", "low", T0 + 3 * DAY, 2),
    ("theta", "todo", "normal", None, 0),
    ("iota", "in_progress", "high", T0 + 2 * DAY, 0),
    ("kappa", "todo", "normal", T0 + DAY, 3),
]


def add_task(app, team, title, status="todo", priority="normal", due=None, created=None):
    task = make_task(
        app, team.project, team.people["owner"], title=title, status=status,
        priority=priority, due_at=due,
    )  # fmt: skip
    if created is not None:
        with app.app_context(), tenancy.system():
            db.session.execute(update(Task).where(Task.id == task.id).values(created_at=created))
            db.session.commit()
    return task.id


@pytest.fixture
def listed(app, team):
    """The team's project with a dozen tasks that tie on each sort key."""
    for title, status, priority, due, hours in TASKS:
        add_task(app, team, title, status, priority, due, T0 + timedelta(hours=hours))
    return f"/projects/{team.project.id}/tasks"


@pytest.fixture
def api(team, api_as):
    return api_as(team.people["member"])


def relative(url):
    """A Link URL as the test client's path under /api/v1."""
    parts = urlsplit(url)
    return f"{parts.path.removeprefix('/api/v1')}?{parts.query}"


def links(response):
    found = {}
    for part in response.headers["Link"].split(", "):
        url, rel = part.split("; ")
        found[rel.removeprefix('rel="').removesuffix('"')] = url.strip("<>")
    return found


def numbered(api, path, **args):
    query = "&".join(f"{k}={v}" for k, v in {"per_page": 100, **args}.items())
    return [task["id"] for task in api.get(f"{path}?{query}").json["items"]]


def walk(api, path, *, per_page=2, **args):
    """Every task of a list: the first page's next_cursor, then Link rel="next" to the end."""
    query = "&".join(f"{k}={v}" for k, v in {"per_page": per_page, **args}.items())
    first = api.get(f"{path}?{query}")
    seen = [task["id"] for task in first.json["items"]]
    response = api.get(f"{path}?{query}&cursor={first.json['next_cursor']}")
    while True:
        assert response.status_code == 200, response.json
        seen += [task["id"] for task in response.json["items"]]
        cursor = response.json["next_cursor"]
        if cursor is None:
            assert "next" not in links(response)
            return seen
        following = links(response)["next"]
        assert parse_qs(urlsplit(following).query)["cursor"] == [cursor]
        response = api.get(relative(following))


@pytest.mark.parametrize("sort", SORTS)
def test_walking_by_cursor_yields_the_numbered_order_once(api, listed, sort):
    assert walk(api, listed, sort=sort) == numbered(api, listed, sort=sort)
    assert len(numbered(api, listed, sort=sort)) == len(TASKS) + 1


@pytest.mark.parametrize("sort", SORTS)
def test_walking_across_organizations_with_filters(api, listed, sort):
    args = {"sort": sort, "status": "todo"}
    walked = walk(api, "/tasks", per_page=3, **args)
    assert walked == numbered(api, "/tasks", **args)
    assert len(walked) == 1 + sum(status == "todo" for _, status, *_ in TASKS)


def test_a_cursor_may_change_the_page_size(api, listed):
    first = api.get(f"{listed}?per_page=4&sort=due_at").json
    rest = api.get(f"{listed}?per_page=100&sort=due_at&cursor={first['next_cursor']}").json
    ids = [t["id"] for t in first["items"] + rest["items"]]
    assert ids == numbered(api, listed, sort="due_at")


def test_due_dates_come_first_and_missing_ones_last(api, listed):
    items = api.get(f"{listed}?per_page=100&sort=due_at").json["items"]
    dues = [task["due_at"] for task in items]
    dated = [due for due in dues if due is not None]
    assert dues == sorted(dated) + [None] * (len(dues) - len(dated))


def test_priority_sorts_urgent_first(api, listed):
    items = api.get(f"{listed}?per_page=100&sort=priority").json["items"]
    ranks = [Priority(task["priority"]).rank for task in items]
    assert ranks == sorted(ranks, reverse=True)


def test_a_cursor_page_has_no_number_but_keeps_the_total(api, listed):
    first = api.get(f"{listed}?per_page=5")
    assert (first.json["page"], first.json["total"], first.json["pages"]) == (1, 12, 3)
    second = api.get(f"{listed}?per_page=5&cursor={first.json['next_cursor']}")
    assert (second.json["page"], second.json["total"], second.json["pages"]) == (None, 12, 3)
    assert set(links(second)) == {"first", "next"}
    assert "cursor" not in links(second)["first"]
    last = api.get(f"{listed}?per_page=5&cursor={second.json['next_cursor']}")
    assert len(last.json["items"]) == 2 and last.json["next_cursor"] is None
    assert set(links(last)) == {"first"}


@pytest.mark.parametrize(
    ("sort", "earlier"),
    [
        ("-created_at", {"created": T0 + 10 * DAY}),
        ("due_at", {"due": T0 - DAY}),
        ("priority", {"priority": "urgent"}),
        ("title", {"title": "aardvark"}),
    ],
)
def test_tasks_added_earlier_in_the_order_do_not_shift_later_pages(
    app, team, api, listed, sort, earlier
):
    first = api.get(f"{listed}?per_page=3&sort={sort}").json
    second_before = api.get(f"{listed}?per_page=3&sort={sort}&page=2").json["items"]
    for n in range(2):
        add_task(app, team, **{"title": f"New {n}", **earlier})

    after = api.get(f"{listed}?per_page=3&sort={sort}&cursor={first['next_cursor']}").json

    assert [t["id"] for t in after["items"]] == [t["id"] for t in second_before]
    assert after["total"] == first["total"] + 2


# --- cursors that do not fit ---------------------------------------------------------


def refusal(response):
    # A string the document allows; only this server can tell it did not sign it: 422.
    assert response.status_code == 422, response.json
    assert response.json["error"] == "validation_error"
    return response.json["details"]["cursor"]


@pytest.fixture
def cursor(api, listed):
    return api.get(f"{listed}?per_page=2&sort=due_at").json["next_cursor"]


def test_a_tampered_cursor_is_refused(api, listed, cursor):
    payload, signature = cursor.rsplit(".", 1)
    flipped = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    message = refusal(api.get(f"{listed}?sort=due_at&cursor={flipped}.{signature}"))
    assert "not a cursor this API issued" in message


@pytest.mark.parametrize(
    ("garbage", "status"),
    [
        *[(text, 422) for text in ("x", "eyJhZnRlciI6WzFdfQ", "eyJhZnRlciI6WzFdfQ.forged")],
        *[(text, 422) for text in ("a.b.c", "-")],
        ("x" * 2000, 400),  # longer than the document's maxLength
    ],
)
def test_garbage_cursors_are_refused_not_errors(api, listed, garbage, status):
    response = api.get(f"{listed}?cursor={garbage}")
    assert response.status_code == status
    assert response.json["error"] == "validation_error"


def test_a_signed_position_that_does_not_fit_the_sort_is_refused(app, api, listed, cursor):
    signer = URLSafeSerializer(app.config["SECRET_KEY"], salt="taskmanager.api.cursor")
    made = signer.loads(cursor)
    for after in (["soon", 1], [None], [True, 1], "nonsense"):
        odd = signer.dumps({**made, "after": after})
        assert refusal(api.get(f"{listed}?per_page=2&sort=due_at&cursor={odd}"))


def test_a_cursor_for_another_sort_is_refused(api, listed, cursor):
    assert "sort=due_at" in refusal(api.get(f"{listed}?sort=priority&cursor={cursor}"))


def test_a_cursor_for_other_filters_is_refused(api, listed, cursor):
    message = refusal(api.get(f"{listed}?sort=due_at&status=todo&cursor={cursor}"))
    assert "other filters" in message


def test_a_cursor_for_another_list_is_refused(api, listed, cursor):
    assert "other filters or another list" in refusal(
        api.get(f"/tasks?sort=due_at&cursor={cursor}")
    )


def test_a_cursor_and_a_page_together_are_refused(api, listed, cursor):
    assert "not both" in refusal(api.get(f"{listed}?sort=due_at&page=2&cursor={cursor}"))


# --- cost ------------------------------------------------------------------------------


def statements_for(app, api, url):
    statements = []
    with app.app_context():
        engine = db.engines[None]

    def count(*args):
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = api.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements), response.json["next_cursor"]


@pytest.mark.parametrize("sort", SORTS)
def test_a_deep_cursor_page_costs_what_the_first_does(app, api, listed, sort):
    url = f"{listed}?per_page=2&sort={sort}"
    first, cursor = statements_for(app, api, url)
    counts = []
    while cursor:
        count, cursor = statements_for(app, api, f"{url}&cursor={cursor}")
        counts.append(count)
    assert len(counts) == 5
    assert set(counts) == {first}
