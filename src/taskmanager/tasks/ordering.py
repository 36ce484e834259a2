"""Board order: a status column is sorted by ``position``, then id; positions are gapped.

A position is a sort key, not an index: new cards go ``GAP`` after the last one, and a
card dropped between two others takes the midpoint of their keys. A drop writes the
moved card's row alone, whatever the column's size.

Only when two neighbours leave no integer between them (many drops in one place, or
keys that were never spaced) are the cards around the drop spread out again: first a
few on either side, a window widened until it has room, the whole column at worst.
That rebalance writes ``position`` only: the other cards keep their version and their
``updated_at``, so nobody sees them as changed.

Callers speak in indices ("put it first"): ``move`` turns an index into a key.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import aliased

from taskmanager.db import MAX_ID
from taskmanager.db import utcnow
from taskmanager.extensions import db
from taskmanager.projects.models import Project
from taskmanager.tasks.models import Status
from taskmanager.tasks.models import Task

GAP = 1024  # between neighbours' keys: ten drops in one place before a rebalance
# Keys fit the 32-bit column and the board's links (``web.int_or_none``).
FLOOR, CEILING = -MAX_ID, MAX_ID
FIRST_REACH = 16  # cards on either side of the drop a first rebalance renumbers
WIDER = 4  # how much a window too crowded to spread grows each time
# A window whose cards would end closer than this is widened instead: a rebalance
# should buy a few drops more before the next one.
SPARSE = GAP // 8

Key = tuple[int, int]  # (position, id): where a card sits in its column


def lock_columns(project_id: int) -> None:
    """Hold the project's board for the rest of the transaction: moves take turns.

    Two drops into one column at once would read the same neighbours, and one that
    rebalances while another takes a midpoint could leave a card out of place. The
    lock is the project row's FOR NO KEY UPDATE, which adding tasks does not wait for
    (their foreign key takes KEY SHARE). Take it before the task's own row lock: a
    rebalance writes other tasks' rows, and movers locking in one order cannot
    deadlock. SQLite writes one transaction at a time and needs nothing.
    """
    db.session.execute(
        select(Project.id).where(Project.id == project_id).with_for_update(key_share=True)
    ).all()


def next_position(project_id: int, status: str) -> int:
    """The key after the column's last card (0 in an empty column)."""
    highest = db.session.scalar(
        select(func.max(Task.position)).where(Task.in_project(project_id), Task.status == status)
    )
    if highest is None:
        return 0
    if highest + GAP <= CEILING:
        return highest + GAP
    count = _count(project_id, status)
    return _make_room(project_id, status, None, slot=count, count=count)


def index_of(task: Task, status: str, card_id: int) -> int | None:
    """Where card ``card_id`` sits in the ``status`` column, counted without ``task``.

    A drop names the card it landed above or below, not an index among the cards the
    client shows: a filtered board or a column shown a page at a time hides cards,
    and an index counted among the shown ones lands among the hidden ones. The card's
    index is where ``task`` goes to land just above it; one more, just below. None
    when that card has left the column meanwhile. The caller holds ``lock_columns``.
    """
    # One statement: the card, if it is still in the column, with the count of the
    # column's cards before it.
    card = aliased(Task)
    before = (
        _others(task.project_id, status, task.id)
        .where(
            or_(
                Task.position < card.position,
                and_(Task.position == card.position, Task.id < card.id),
            )
        )
        .with_only_columns(func.count())
        .scalar_subquery()
    )
    found = db.session.execute(
        select(before).where(
            card.id == card_id,
            card.id != task.id,
            card.project_id == task.project_id,
            card.status == status,
        )
    ).first()
    return None if found is None else int(found[0])


def move(task: Task, status: str, index: int | None, changes: dict[str, list[Any]]) -> None:
    """Put ``task`` at ``index`` of the ``status`` column (None, or past the end: last).

    Changes the task's own row, and the rows around it only when its new neighbours
    leave no room (see ``_make_room``). A new status lands in ``changes``; so does a
    new position within the same column, as keys. A card dropped where it already
    is changes nothing. The caller holds ``lock_columns``.
    """
    old_status, old_position = task.status, task.position
    before, after = _neighbours(task, status, index)
    if status == old_status and _between((task.position, task.id), before, after):
        return
    position = _key_between(before, after)
    if position is None:
        count = _count(task.project_id, status, task.id)
        slot = count if index is None else min(index, count)
        position = _make_room(task.project_id, status, task.id, slot=slot, count=count)
    if status != old_status:
        changes["status"] = [old_status, status]
        task.status = status
        task.completed_at = utcnow() if status == Status.DONE else None
    task.position = position
    if status == old_status:
        changes["position"] = [old_position, position]


def _others(project_id: int, status: str, exclude_id: int | None = None) -> Select[int, int]:
    """The keys of a column's cards, less the one being moved."""
    query = select(Task.position, Task.id).where(Task.in_project(project_id), Task.status == status)
    return query if exclude_id is None else query.where(Task.id != exclude_id)


def _count(project_id: int, status: str, exclude_id: int | None = None) -> int:
    column = _others(project_id, status, exclude_id).subquery()
    return db.session.scalar(select(func.count()).select_from(column)) or 0


def _key_at(query: Select[int, int], index: int) -> Key | None:
    row = db.session.execute(query.order_by(Task.position, Task.id).offset(index).limit(1)).first()
    return None if row is None else (row[0], row[1])


def _neighbours(task: Task, status: str, index: int | None) -> tuple[Key | None, Key | None]:
    """The cards just before and just after ``index`` of the column (without ``task``).

    One statement, two past the end: the offset scan reads the index up to the drop.
    """
    others = _others(task.project_id, status, task.id)
    if index is not None:
        rows = db.session.execute(
            others.order_by(Task.position, Task.id).offset(max(index - 1, 0)).limit(2)
        ).all()
        keys: list[Key] = [(row[0], row[1]) for row in rows]
        if index == 0:
            return None, keys[0] if keys else None
        if keys:
            return keys[0], keys[1] if len(keys) > 1 else None
    last = db.session.execute(
        others.order_by(Task.position.desc(), Task.id.desc()).limit(1)
    ).first()
    return (None if last is None else (last[0], last[1])), None


def _between(key: Key, before: Key | None, after: Key | None) -> bool:
    return (before is None or before < key) and (after is None or key < after)


def _key_between(before: Key | None, after: Key | None) -> int | None:
    """A key strictly between two neighbours' keys; None when they leave no room."""
    if before is None and after is None:
        return 0
    if before is None:
        assert after is not None
        return after[0] - GAP if after[0] - GAP >= FLOOR else None
    if after is None:
        return before[0] + GAP if before[0] + GAP <= CEILING else None
    if after[0] - before[0] < 2:
        return None
    return before[0] + (after[0] - before[0]) // 2


def _spacing(lower: int | None, upper: int | None, cards: int) -> tuple[int, int] | None:
    """The first key and the step for ``cards`` keys between ``lower`` and ``upper``.

    None when they would sit closer than ``SPARSE`` (or leave the keys' range): the
    window must grow. With no bound on either side (the whole column) there is always
    room.
    """
    if lower is None and upper is None:
        if (cards - 1) * GAP <= CEILING:
            return 0, GAP
        return FLOOR, (CEILING - FLOOR) // cards
    if lower is None:
        assert upper is not None
        first = upper - cards * GAP
        return (first, GAP) if first >= FLOOR else None
    if upper is None:
        return (lower + GAP, GAP) if lower + cards * GAP <= CEILING else None
    step = (upper - lower) // (cards + 1)
    return (lower + step, step) if step >= SPARSE else None


def _make_room(project_id: int, status: str, moved_id: int | None, *, slot: int, count: int) -> int:
    """Spread the cards around ``slot`` evenly and answer the key left free at ``slot``.

    ``count`` cards (less the moved one) are in the column. The window renumbered is
    ``FIRST_REACH`` cards on either side of the slot, grown ``WIDER`` times until its
    bounds (the cards just outside it) leave room; the keys it writes stay strictly
    between them, so the order outside the window holds. One UPDATE writes the window.
    """
    others = _others(project_id, status, moved_id)
    reach = FIRST_REACH
    while True:
        start, stop = max(0, slot - reach), min(count, slot + reach)
        lower = _key_at(others, start - 1) if start > 0 else None
        upper = _key_at(others, stop) if stop < count else None
        spacing = _spacing(
            None if lower is None else lower[0],
            None if upper is None else upper[0],
            stop - start + 1,
        )
        if spacing is not None:
            first, step = spacing
            break
        reach *= WIDER
    inner = aliased(Task)
    ranked = select(
        inner.id, (func.row_number().over(order_by=(inner.position, inner.id)) - 1).label("rank")
    ).where(inner.project_id == project_id, inner.status == status)
    if moved_id is not None:
        ranked = ranked.where(inner.id != moved_id)
    window = ranked.order_by(inner.position, inner.id).limit(stop).subquery()
    # The card at index ``rank`` moves one place down from the slot on.
    place = window.c.rank - start + case((window.c.rank >= slot, 1), else_=0)
    position = first + step * place
    db.session.execute(
        update(Task)
        .where(Task.id == window.c.id, window.c.rank >= start, Task.position != position)
        # Bookkeeping, not a change: the version stays and so does updated_at.
        .values(position=position, updated_at=Task.updated_at)
        .execution_options(synchronize_session=False)
    )
    for loaded in list(db.session.identity_map.values()):
        if isinstance(loaded, Task) and loaded.id != moved_id and loaded.project_id == project_id:
            db.session.expire(loaded, ["position"])  # read afresh if anyone asks
    return first + step * (slot - start)
