"""The search page behind the navigation's search box (a GET form; htmx live results)."""

from __future__ import annotations

from flask import Blueprint
from flask import render_template
from flask import request
from flask_security import auth_required
from flask_security import current_user
from markupsafe import Markup

from taskmanager.orgs import services as orgs
from taskmanager.search import services
from taskmanager.search.highlight import highlight
from taskmanager.web import int_or_none

bp = Blueprint("search", __name__)
LIVE_RESULTS = 8


@bp.get("/search")
@auth_required("session")
def results() -> str:
    """All of a search's results, a page at a time; as the box's live list for htmx."""
    text = request.args.get("q", "").strip()
    live = request.headers.get("HX-Target") == "nav-search-results"
    found = services.search_everywhere(
        memberships=orgs.enter_all(user=current_user),
        text=text,
        page=1 if live else int_or_none(request.args.get("page")) or 1,
        per_page=LIVE_RESULTS if live else 20,
    )

    def mark(value: str | None) -> Markup:
        return highlight(value or "", found.terms)

    template = "search/_live.html" if live else "search/results.html"
    return render_template(template, results=found, mark=mark)
