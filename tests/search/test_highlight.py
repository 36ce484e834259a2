"""Marking matches: escaped first, prefixes of words, excerpts around the first match."""

from taskmanager.search.highlight import highlight
from taskmanager.search.highlight import snippet
from taskmanager.tasks.search import terms


def test_terms_are_the_words_typed_whatever_else_comes_with_them():
    assert terms("home:* & !page 'x' \"y\" \x00 a_b") == ["home", "page", "x", "y", "a", "b"]
    assert terms(":&!|()<->") == []
    assert len(terms("w " * 50)) == 8 and len(terms("x" * 500)[0]) == 60


def test_highlight_escapes_the_text_and_marks_words_starting_with_a_term():
    marked = highlight("<b>Homepage</b> & home-made, hom", ["hom"])
    assert str(marked) == (
        "&lt;b&gt;<mark>Homepage</mark>&lt;/b&gt; &amp; <mark>home</mark>-made, <mark>hom</mark>"
    )
    assert str(highlight("rehome", ["home"])) == "rehome"


def test_a_snippet_is_the_words_around_the_first_match_without_markdown_marks():
    text = "**Intro.** " + "filler " * 40 + "the roadmap slides " + "tail " * 40
    shown = snippet(text, ["roadm"], width=60)
    assert shown.startswith("…") and shown.endswith("…")
    assert "roadmap" in shown and "*" not in shown and len(shown) <= 62
    assert snippet("nothing here", ["roadm"]) is None
