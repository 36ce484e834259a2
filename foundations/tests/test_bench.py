"""The layer benchmark's plumbing; the timings themselves are not asserted."""

from __future__ import annotations

import pytest

from foundations import bench
from foundations import raw_wsgi
from foundations.bench import Row


def test_measure_gives_one_figure_per_repeat() -> None:
    figures = bench.measure(raw_wsgi.create_app(), "/hello/Alice", repeat=3, min_time=0.001)
    assert len(figures) == 3
    assert all(figure > 0 for figure in figures)


def test_measure_refuses_to_time_an_error_page() -> None:
    with pytest.raises(RuntimeError, match="benchmark a 200 page"):
        bench.measure(raw_wsgi.create_app(), "/nope", repeat=1, min_time=0.001)


def test_a_missing_product_is_a_row_not_a_crash() -> None:
    row = bench.measure_row("product", "/livez", lambda: None, repeat=1)
    assert row.note.startswith("not available")


def test_a_failing_product_is_a_row_not_a_crash() -> None:
    def broken() -> None:
        raise KeyError("TASKMANAGER_SECRET_KEY")

    row = bench.measure_row("product", "/livez", broken, repeat=1)
    assert row.note == "not available (KeyError: 'TASKMANAGER_SECRET_KEY')"


def test_the_table_shows_median_spread_and_ratio() -> None:
    rows = [
        Row("raw WSGI", "/hello/Alice", [2.0, 4.0, 3.0]),
        Row("Flask", "/hello/Alice", [30.0, 33.0, 36.0]),
        Row("product", "/livez", note="not available (reason)"),
    ]
    table = bench.render(rows, repeat=3)
    assert "| raw WSGI | `GET /hello/Alice` | 3.0 | 2.0-4.0 | 1.0x |" in table
    assert "| Flask | `GET /hello/Alice` | 33.0 | 30.0-36.0 | 11.0x |" in table
    assert "| product | `GET /livez` | not available (reason) | | |" in table


def test_the_table_replaces_what_lies_between_the_markers() -> None:
    text = f"intro\n{bench.START}\nold table\n{bench.END}\noutro\n"
    assert bench.replace_between_markers(text, "new table") == (
        f"intro\n{bench.START}\nnew table\n{bench.END}\noutro\n"
    )


def test_the_readme_has_the_markers() -> None:
    bench.replace_between_markers(bench.README.read_text(), "table")


def test_markers_missing_is_an_error_that_says_where() -> None:
    with pytest.raises(ValueError, match="bench:start"):
        bench.replace_between_markers("no markers here", "table")
