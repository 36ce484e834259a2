"""The navigation search: tasks (title, description, comments) and project names across
every organization a person belongs to, grouped by organization and project.

The caller scopes the request to the memberships it passes (``orgs.enter_all``); the
tenant safety net backs that up, so another organization's rows cannot appear.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from taskmanager.extensions import db
from taskmanager.orgs.models import Membership
from taskmanager.orgs.models import Organization
from taskmanager.projects.models import Project
from taskmanager.search.highlight import first_match
from taskmanager.search.highlight import snippet
from taskmanager.tasks import search
from taskmanager.tasks.models import Comment
from taskmanager.tasks.models import Task

MAX_TEXT = 200
MAX_PER_PAGE = 50
MAX_PAGE = 1000
MAX_PROJECTS = 10


@dataclass
class Hit:
    """A task that matched, where it matched, and the words around the match."""

    task: Task
    found_in: str  # "title", "description", "comment" or "task" (the words span fields)
    snippet: str | None = None


@dataclass
class Group:
    organization: Organization
    project: Project
    hits: list[Hit]


@dataclass
class Results:
    text: str
    terms: list[str]
    hits: list[Hit] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    organizations: dict[int, Organization] = field(default_factory=dict)
    total: int = 0
    page: int = 1
    per_page: int = 20

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def groups(self) -> list[Group]:
        """The hits by organization and project, in the order found (already grouped)."""
        groups: list[Group] = []
        for hit in self.hits:
            project = hit.task.project
            if not groups or groups[-1].project.id != project.id:
                org = self.organizations[project.organization_id]
                groups.append(Group(organization=org, project=project, hits=[]))
            groups[-1].hits.append(hit)
        return groups


def search_everywhere(
    *, memberships: Sequence[Membership], text: str, page: int = 1, per_page: int = 20
) -> Results:
    """One page of the tasks matching ``text`` in the organizations of ``memberships``.

    Every word typed must match (each as the start of a word) in the task's title and
    description, or in one of its comments. Tasks come by organization, then project
    (active projects first), newest change first; projects whose names hold every
    word are listed on the first page. Bounded: 200 characters, 8 words, 50 a page.
    """
    text = text[:MAX_TEXT]
    page = max(1, min(page, MAX_PAGE))
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    results = Results(
        text=text, terms=search.terms(text), page=page, per_page=per_page,
        organizations={m.organization_id: m.organization for m in memberships},
    )  # fmt: skip
    org_ids = list(results.organizations)
    if not results.terms or not org_ids:
        return results
    where = (
        Task.organization_id.in_(org_ids),
        search.matches_or_commented(text),
    )
    # The total rides on each row of the page (a window over every match): the matches
    # are looked up once a request. Their GIN lookup is most of a search's cost at 1M
    # tasks (a word as common as a fifth of the tasks: ~10 ms), and a separate count
    # looked them up a second time (bench P6).
    query = (
        select(Task, func.count().over())
        .join(Task.project)
        .join(Organization, Organization.id == Task.organization_id)
        .options(contains_eager(Task.project))
        .where(*where)
        .order_by(
            func.lower(Organization.name),
            Organization.id,
            Project.archived,
            func.lower(Project.name),
            Project.id,
            Task.updated_at.desc(),
            Task.id.desc(),
        )
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    rows = db.session.execute(query).unique().all()
    tasks = [task for task, _ in rows]
    if rows:
        results.total = rows[0][1]
    elif page > 1:  # a page past the end has no row to carry the total: counted apart
        results.total = db.session.scalar(select(func.count(Task.id)).where(*where)) or 0
    results.hits = _hits(tasks, text, results.terms)
    if page == 1:
        results.projects = _projects(org_ids, results.terms)
    return results


def _hits(tasks: list[Task], text: str, terms: list[str]) -> list[Hit]:
    """Where each task matched: its title, its description, or a comment (one query)."""
    hits = []
    pending: dict[int, Hit] = {}
    for task in tasks:
        if first_match(task.title, terms) is not None:
            hit = Hit(task=task, found_in="title", snippet=snippet(task.description, terms))
        elif (around := snippet(task.description, terms)) is not None:
            hit = Hit(task=task, found_in="description", snippet=around)
        else:
            hit = Hit(task=task, found_in="task")
            pending[task.id] = hit
        hits.append(hit)
    if pending:
        comments = db.session.scalars(
            select(Comment)
            .where(Comment.task_id.in_(list(pending)), search.comment_matches(text))
            .order_by(Comment.created_at.desc(), Comment.id.desc())
        )
        for comment in comments:
            if comment.task_id in pending:
                hit = pending.pop(comment.task_id)
                hit.found_in = "comment"
                hit.snippet = snippet(comment.body, terms) or comment.body[:160]
    return hits


def _projects(org_ids: list[int], terms: list[str]) -> list[Project]:
    query = (
        select(Project)
        .where(Project.organization_id.in_(org_ids))
        .where(*(func.lower(Project.name).contains(term, autoescape=True) for term in terms))
        .order_by(Project.archived, func.lower(Project.name), Project.id)
        .limit(MAX_PROJECTS)
    )
    return list(db.session.scalars(query))
