"""GET /api/v1/search: the navigation search, for API clients."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask.typing import ResponseReturnValue

from taskmanager.api.bearer import bearer
from taskmanager.api.bearer import who
from taskmanager.api.http import page_of
from taskmanager.api.http import responses
from taskmanager.orgs import services as orgs
from taskmanager.search import services
from taskmanager.search.schemas import SearchHitOut
from taskmanager.search.schemas import SearchPage
from taskmanager.search.schemas import SearchProject
from taskmanager.search.schemas import SearchQuery

bp = APIBlueprint("api_search", __name__, url_prefix="/api/v1", tag="Search")


@bp.get("/search")
@bp.auth_required(bearer)
@bp.input(SearchQuery, location="query", arg_name="query")
@bp.output(SearchPage)
@bp.doc(
    summary="Search tasks and projects across my organizations",
    description="Titles, descriptions and comments; every word must match the start of a "
    "word. Results come grouped by organization and project.",
    responses=responses(headers=["Link"]),
)
def search(query: SearchQuery) -> ResponseReturnValue:
    found = services.search_everywhere(
        memberships=orgs.enter_all(user=who()),
        text=query.q,
        page=query.page,
        per_page=query.per_page,
    )
    items = [
        SearchHitOut.model_validate(
            {
                "task_id": hit.task.id,
                "title": hit.task.title,
                "status": hit.task.status,
                "organization": found.organizations[hit.task.organization_id],
                "project": hit.task.project,
                "found_in": hit.found_in,
                "snippet": hit.snippet,
            }
        )
        for hit in found.hits
    ]
    body, status, headers = page_of(
        items, total=found.total, page=found.page, per_page=found.per_page
    )
    body["terms"] = found.terms
    body["projects"] = [SearchProject.model_validate(p) for p in found.projects]
    return body, status, headers
