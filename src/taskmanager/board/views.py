"""The board page: columns of cards, "Load more", the poll that shows teammates' changes,
and the answer to a card moved with htmx.

Every part works without JavaScript: "Load more" is a link to a page of the next cards,
and each card's menu holds a plain form that moves it. With JavaScript, a drop posts
through htmx and the card is swapped in place; the board polls its columns with
``If-None-Match`` and is answered 304 while nothing changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from flask import render_template
from flask import request
from flask.typing import ResponseReturnValue
from flask_security import current_user

from taskmanager import conditional
from taskmanager.board import queries
from taskmanager.db import utcnow
from taskmanager.errors import NotFound
from taskmanager.orgs import services as orgs
from taskmanager.orgs.models import Membership
from taskmanager.orgs.workspace import membership
from taskmanager.orgs.workspace import workspace
from taskmanager.policy import Action
from taskmanager.policy import can
from taskmanager.projects import services as projects
from taskmanager.projects.models import Project
from taskmanager.tasks import listing
from taskmanager.tasks.models import Priority
from taskmanager.tasks.models import Status
from taskmanager.tasks.models import Task
from taskmanager.tasks.schemas import TaskFilterFields
from taskmanager.web import int_or_none


def _filter_args() -> dict[str, str]:
    """The filters of this request's query string, to carry into the board's own links."""
    return {
        name: request.args[name] for name in TaskFilterFields.model_fields if request.args.get(name)
    }


def _shown() -> dict[Status, int]:
    """How many cards each column showed (``shown_todo=60``), so a refresh keeps them."""
    shown = {}
    for status in Status:
        number = int_or_none(request.args.get(f"shown_{status.value}"))
        if number:
            shown[status] = min(number, queries.MAX_SHOWN)
    return shown


def _board_tag(me: Membership, project_id: int) -> tuple[str, bool]:
    """The ETag of a board as this user sees it now, and whether the project is there.

    One statement: the organization's change marker, and the project row's id. The
    tag covers what the HTML depends on besides the tasks: the viewer, their role and
    time zone, the filters and how many cards are shown; and the half hour, so the
    forms' CSRF tokens (valid for an hour) are renewed on a board left open.
    """
    changes, found = queries.marker(organization_id=me.organization_id, project_id=project_id)
    now: datetime = utcnow()
    etag = conditional.tag(
        changes, project_id, me.user_id, me.role, current_user.time_zone,
        sorted(_filter_args().items()),
        sorted((status.value, n) for status, n in _shown().items()),
        now.date(), now.hour, now.minute // 30,
    )  # fmt: skip
    return etag, found


def _columns_context(me: Membership, project: Project, etag: str) -> dict[str, Any]:
    filters = listing.filters_from_args(request.args, user=current_user)
    return {
        "org": me.organization,
        "me": me,
        "project": project,
        "filters": filters,
        "filter_args": _filter_args(),
        "columns": queries.columns(project=project, filters=filters, shown=_shown()),
        "statuses": list(Status),
        "priorities": list(Priority),
        "cards_writable": can(me.role, Action.WRITE_TASKS),
        "etag": etag,
        "poll_seconds": current_app.config["BOARD_POLL_SECONDS"],
    }


@workspace.get("/projects/<int:project_id>/board")
def board(project_id: int) -> ResponseReturnValue:
    me = membership()
    # Taken before the cards are read: a change in between shows at the next poll.
    etag, _ = _board_tag(me, project_id)
    project = projects.get_project(me.organization_id, project_id)
    page = render_template(
        "board/page.html",
        view="board",
        members=orgs.members(me.organization_id),
        labels=projects.list_labels(me.organization_id),
        can_write=can(me.role, Action.WRITE_TASKS),
        can_manage=can(me.role, Action.MANAGE_PROJECTS),
        **_columns_context(me, project, etag),
    )
    # The page itself is never answered 304 (it carries flash messages); its columns
    # hold the ETag the poll starts from.
    return page


@workspace.get("/projects/<int:project_id>/board/columns")
def board_columns(project_id: int) -> ResponseReturnValue:
    """The columns alone, for the board's poll: 304 while nothing changed."""
    me = membership()
    etag, found = _board_tag(me, project_id)
    if not found:
        raise NotFound("No such project.")
    if conditional.unchanged(etag):
        return conditional.not_modified(etag)
    project = projects.get_project(me.organization_id, project_id)
    html = render_template("board/_columns.html", **_columns_context(me, project, etag))
    return html, 200, {"ETag": etag, "Cache-Control": conditional.REVALIDATE}


def _after() -> queries.Position | None:
    position, task_id = (int_or_none(request.args.get(n)) for n in ("after_position", "after_id"))
    return None if position is None or task_id is None else (position, task_id)


@workspace.get("/projects/<int:project_id>/board/<any(todo, in_progress, done):status>")
def board_column(project_id: int, status: str) -> ResponseReturnValue:
    """The next cards of one column: appended by htmx, or a page of their own."""
    me = membership()
    project = projects.get_project(me.organization_id, project_id)
    filters = listing.filters_from_args(request.args, user=current_user)
    found, next_after = queries.cards(
        project=project, status=Status(status), filters=filters, after=_after()
    )
    context = {
        "org": me.organization,
        "project": project,
        "status": Status(status),
        "cards": found,
        "next_after": next_after,
        "filter_args": _filter_args(),
        "statuses": list(Status),
        "cards_writable": can(me.role, Action.WRITE_TASKS),
    }
    template = "board/_more.html" if request.headers.get("HX-Request") else "board/column.html"
    return render_template(template, **context)


def moved(me: Membership, task: Task, *, notice: str | None = None) -> ResponseReturnValue:
    """The answer to a card moved with htmx: the card itself and the columns' counts.

    The page already put the card where it was dropped; the answer brings its new
    version and the counts. A refused move (someone else moved it first, say) answers
    the whole board as it now stands, with the reason, in place of the old one.
    """
    project = task.project
    if notice is not None:
        etag, _ = _board_tag(me, project.id)
        html = render_template(
            "board/_columns.html", notice=notice, **_columns_context(me, project, etag)
        )
        return html, 200, {"HX-Retarget": "#board", "HX-Reswap": "outerHTML"}
    fresh = queries.card(task.id)
    filters = listing.filters_from_args(request.args, user=current_user)
    html = render_template(
        "board/_moved.html",
        t=fresh,
        project=project,
        counts={
            status: queries.count_label(number)
            for status, number in queries.counts(project=project, filters=filters).items()
        },
        statuses=list(Status),
        cards_writable=True,
    )
    return html
