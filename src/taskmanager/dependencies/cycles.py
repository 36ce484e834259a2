"""Finding a chain of "blocks" links between two tasks: one recursive query.

Used before a link is added: a link "A blocks B" closes a loop exactly when B already
(through any number of links) blocks A. The query walks every link reachable from B,
keeping for each task one link that reached it, so the chain can be named. UNION keeps
each (task, from) pair once: the walk is bounded by the organization's links, never
by the number of paths between two tasks.
"""

from __future__ import annotations

from sqlalchemy import select

from taskmanager.dependencies.models import TaskDependency
from taskmanager.extensions import db


def chain(*, organization_id: int, start: int, goal: int) -> list[int] | None:
    """Task ids ``start``, ..., ``goal``, each blocking the next; None if no such chain."""
    links = TaskDependency.__table__
    first = (
        select(links.c.blocked_id.label("node"), links.c.blocker_id.label("came_from"))
        .where(links.c.blocker_id == start, links.c.organization_id == organization_id)
        .cte("walk", recursive=True)
    )
    step = (
        select(links.c.blocked_id, links.c.blocker_id)
        .join(first, links.c.blocker_id == first.c.node)
        .where(links.c.organization_id == organization_id)
    )
    walk = first.union(step)
    came_from: dict[int, int] = {}
    for node, previous in db.session.execute(select(walk.c.node, walk.c.came_from)):
        came_from.setdefault(node, previous)
    if goal not in came_from:
        return None
    path = [goal]
    # Bounded: a loop already stored (it cannot be, but) must not hang the request.
    while path[-1] != start and len(path) <= len(came_from):
        path.append(came_from[path[-1]])
    return list(reversed(path))
