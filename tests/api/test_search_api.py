"""GET /api/v1/search: the navigation search for API clients."""

import pytest

from taskmanager.tasks import search
from tests.factories import make_task
from tests.support import statements
from tests.support.content import add_comment


@pytest.fixture
def found(app, team):
    make_task(app, team.project, team.people["owner"], title="Redesign the homepage")
    chat = make_task(app, team.project, team.people["owner"], title="Weekly sync")
    add_comment(app, chat, team.people["owner"], "The roadmap slides are late")
    return team


def test_search_finds_the_start_of_a_word_grouped_with_its_project(found, api_as):
    body = api_as(found.people["viewer"]).get("/search?q=homepag").json
    assert body["total"] == 1 and body["terms"] == ["homepag"]
    (hit,) = body["items"]
    assert hit["title"] == "Redesign the homepage" and hit["found_in"] == "title"
    assert hit["organization"]["slug"] == found.org.slug
    assert hit["project"] == {
        "id": found.project.id, "organization_id": found.org.id, "name": found.project.name,
        "archived": False,
    }  # fmt: skip


def test_comments_are_searched(found, api_as):
    (hit,) = api_as(found.people["member"]).get("/search?q=roadm").json["items"]
    assert hit["found_in"] == "comment" and hit["snippet"] == "The roadmap slides are late"


def test_every_page_says_how_many_match_a_page_past_the_end_too(app, found, api_as):
    # The total rides on the page's rows (one lookup of the matches, bench P6): a page
    # with no rows counts apart.
    for n in range(3):
        make_task(app, found.project, found.people["owner"], title=f"Pagination {n}")
    api = api_as(found.people["member"])
    pages = [api.get(f"/search?q=paginat&per_page=2&page={n}").json for n in (1, 2, 3)]
    assert [len(page["items"]) for page in pages] == [2, 1, 0]
    assert [page["total"] for page in pages] == [3, 3, 3]


def test_the_matching_tasks_are_read_by_their_ids(app, found, api_as):
    # The plan, never a timing. As ``id IN (matches)`` a one-word search at 1M tasks,
    # estimated at 2% of them, hashed its one match against a scan of every task
    # (bench P6). The matches are now gathered once (an InitPlan's array) and the tasks
    # filtered by it: whatever the estimate, no join of every task against them.
    with statements.sent(app) as sent:
        assert api_as(found.people["member"]).get("/search?q=homepag").json["total"] == 1
    [(page, values)] = [(s, p) for s, p in sent if "OVER ()" in s]
    plan = statements.plan(app, page, values)
    assert "InitPlan" in plan and "(id = ANY ($" in plan, plan
    assert "Semi Join" not in plan and "= tasks_1.id)" not in plan, plan


def test_a_prefix_is_searched_as_the_words_it_covers(app, found, api_as):
    # The plan, never a timing. As a prefix ('homepag':*) GIN gathered every row of
    # every word it covers before intersecting the terms: a word in a fifth of 1M tasks
    # cost ~8 ms whatever the other terms (bench P6). The tsquery is now chosen in the
    # statement from search_words, so no prefix is a constant of the index condition.
    with statements.sent(app) as sent:
        assert api_as(found.people["member"]).get("/search?q=homepag").json["total"] == 1
    [(page, values)] = [(s, p) for s, p in sent if "OVER ()" in s]
    plan = statements.plan(app, page, values)
    assert "on search_words" in plan, plan
    assert ":*'::tsquery" not in plan, plan


def search_titles(api, q):
    return sorted(hit["title"] for hit in api.get("/search", query_string={"q": q}).json["items"])


def test_words_written_later_are_found_by_their_start(app, found, api_as):
    # search_words is kept by triggers: a task's new title, a comment's new body.
    owner = found.people["owner"]
    api = api_as(owner)
    task = make_task(app, found.project, owner, title="Crate inventory")
    assert api.patch(f"/tasks/{task.id}", json={"title": "Shipyard inventory"}).status_code == 200
    comment = api.post(f"/tasks/{task.id}/comments", json={"body": "first draft"}).json
    assert search_titles(api, "shipy") == ["Shipyard inventory"]
    assert search_titles(api, "draf") == ["Shipyard inventory"]
    assert api.patch(f"/comments/{comment['id']}", json={"body": "Zeppelin"}).status_code == 200
    assert search_titles(api, "zeppel") == ["Shipyard inventory"]


def test_a_word_with_a_quote_is_found(app, found, api_as):
    # The parser keeps a URL's host and path, quote and all, as one word: quoted as
    # tsquery input when the prefix is searched as its words.
    owner = found.people["owner"]
    make_task(app, found.project, owner, title="Docs", description="https://shipq.example/a'b")
    make_task(app, found.project, owner, title="Shipqueue")
    assert search_titles(api_as(owner), "shipq") == ["Docs", "Shipqueue"]


def test_a_prefix_of_more_words_than_are_expanded_still_finds_them_all(
    app, found, api_as, monkeypatch
):
    monkeypatch.setattr(search, "MAX_EXPANSION", 1)
    owner = found.people["owner"]
    for title in ("Shipping labels", "Shipyard visit", "Ship it"):
        make_task(app, found.project, owner, title=title)
    expected = ["Ship it", "Shipping labels", "Shipyard visit"]
    assert search_titles(api_as(owner), "ship") == expected


def test_a_word_the_parser_splits_matches_as_before(app, found, api_as):
    # to_tsquery reads "1e5x" as '1e5':* <-> 'x':*: such a term stays a prefix.
    owner = found.people["owner"]
    make_task(app, found.project, owner, title="Gain 1e5x")
    assert search_titles(api_as(owner), "1e5x") == ["Gain 1e5x"]


def test_nothing_of_another_organization_is_found(found, other_team, api_as):
    body = api_as(found.people["owner"]).get("/search?q=secret").json
    assert body["items"] == [] and body["projects"] == [] and body["total"] == 0


@pytest.mark.parametrize(
    "q", [":", "&", "!", "'", '"', "zz:*", "qx & !qy", "(", "<->", "\\", "'; --", "*"]
)
def test_query_syntax_is_never_an_error(found, api_as, q):
    response = api_as(found.people["owner"]).get("/search", query_string={"q": q})
    assert response.status_code == 200 and response.json["items"] == []


@pytest.mark.parametrize("query", ["", "?q=", "?q=a%00b", f"?q={'x' * 201}", "?q=a&per_page=51"])
def test_a_bad_query_is_a_400(found, api_as, query):
    assert api_as(found.people["owner"]).get(f"/search{query}").status_code == 400


def test_a_word_beyond_ascii_is_found_by_its_start(app, found, api_as):
    # Such a term keeps its prefix (search_words ranges are compared byte by byte).
    make_task(app, found.project, found.people["owner"], title="Résumé of the launch")
    api = api_as(found.people["member"])
    assert [t["title"] for t in api.get("/search?q=résu").json["items"]] == ["Résumé of the launch"]
    assert api.get("/search?q=résu launc").json["total"] == 1
