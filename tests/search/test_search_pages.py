"""The navigation search: every organization I am in, prefix words, comments, grouped."""

import re

import pytest

from tests.factories import make_task


def search(client, q, **args):
    response = client.get("/search", query_string={"q": q, **args})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_every_page_has_the_search_box_as_a_get_form(world, as_user):
    page = as_user(world.person).get("/dashboard").get_data(as_text=True)
    form = re.search(r'<form class="tm-nav-search"[^>]*>', page).group()
    assert 'method="get"' in form and 'action="/search"' in form
    assert 'id="nav-search"' in page and 'name="q"' in page


def test_the_start_of_a_word_finds_the_task(world, as_user):
    page = search(as_user(world.person), "homepag")
    assert "Redesign the <mark>homepage</mark>" in page


def test_words_in_the_description_and_in_comments_are_found(world, as_user):
    client = as_user(world.person)
    assert "pricing" in search(client, "pricing tab")
    page = search(client, "quarterly road")
    assert "Weekly sync" in page
    assert "Comment:</span> Remember the <mark>quarterly</mark> <mark>roadmap</mark>" in page


def test_results_are_grouped_by_organization_and_project_archived_marked(world, as_user):
    page = search(as_user(world.person), "homepage")
    acme = page.index("Acme \u203a")
    globex = page.index("Globex \u203a")
    assert acme < page.index("Redesign the") < globex < page.index("Archive the")
    assert "archived</span>" in page[globex:]


def test_nothing_from_an_organization_i_am_not_in(world, as_user):
    page = search(as_user(world.person), "secret homepage")
    assert "Secret" not in page.replace("secret homepage", "")
    assert "No task matches" in page


def test_a_match_is_escaped_before_it_is_marked(world, as_user, app):
    make_task(app, world.team.project, world.team.people["owner"], title="<b>homepage</b> & co")
    page = search(as_user(world.person), "homepage")
    assert "&lt;b&gt;<mark>homepage</mark>&lt;/b&gt; &amp; co" in page
    assert "<b>homepage" not in page


@pytest.mark.parametrize(
    "q",
    [":", "&", "!", "'", '"', "a:*", "home:* & !page", "x | y", "(", "<->", "'; drop table", "\\",
     "homepage'", "ho\"me", "*", "a" * 300, "é" * 10, "🙂 homepage"],
)  # fmt: skip
def test_query_syntax_typed_in_the_box_is_never_an_error(world, as_user, q):
    page = search(as_user(world.person), q)
    assert "Search" in page


def test_nul_in_the_search_is_a_400_page(world, as_user):
    response = as_user(world.person).get("/search?q=home%00page")
    assert response.status_code == 400


def test_results_come_a_page_at_a_time(world, as_user, app):
    for n in range(23):
        make_task(app, world.team.project, world.team.people["owner"], title=f"Pagination {n}")
    client = as_user(world.person)
    first, second = search(client, "paginat"), search(client, "paginat", page=2)
    assert first.count("tm-search-hit") == 20 and second.count("tm-search-hit") == 3
    assert "23 tasks match" in first and "Page 2 of 2" in second


def test_the_box_asks_for_live_results_without_a_page_around_them(world, as_user):
    response = as_user(world.person).get(
        "/search?q=homepag", headers={"HX-Request": "true", "HX-Target": "nav-search-results"}
    )
    html = response.get_data(as_text=True)
    assert "<nav" not in html and "Redesign the <mark>homepage</mark>" in html
    assert "All 2 results" in html


def test_project_names_match_too(world, as_user):
    page = search(as_user(world.person), "old sit")
    assert "<mark>Old</mark> <mark>site</mark>" in page


def test_an_empty_search_says_what_to_type(world, as_user):
    assert "Type a word" in search(as_user(world.person), "  ")


def test_the_project_filter_matches_the_start_of_a_word_too(world, as_user):
    client = as_user(world.person)
    page = client.get(
        f"/o/{world.team.org.slug}/projects/{world.team.project.id}?q=redesig"
    ).get_data(as_text=True)
    assert "Redesign the homepage" in page and "Weekly sync" not in page
