"""Board order with gapped positions: a drop writes the moved card's row alone; a
crowded spot is spread out around the drop, the whole column only when it must; the
order is the one asked for, however many drops, and two drops at once take turns."""

from __future__ import annotations

import random
import threading

import pytest
from sqlalchemy import insert
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.activity.models import ActivityEvent
from taskmanager.extensions import db
from taskmanager.tasks import ordering
from taskmanager.tasks import services
from taskmanager.tasks.models import Task
from taskmanager.tasks.schemas import TaskUpdate
from tests.api.test_statement_counts import counted
from tests.conftest import post
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task
from tests.support.breakdown import acting


def fill(app, project, number, *, status="in_progress", step=ordering.GAP, start=0):
    """``number`` tasks at the end of a column, keyed ``start``, ``start + step``...;
    ``step=1`` stores them as they were before keys were gapped."""
    with app.app_context(), tenancy.system():
        rows = [
            {
                "organization_id": project.organization_id, "project_id": project.id,
                "title": f"Card {n}", "description": "", "status": status,
                "priority": "normal", "position": start + n * step, "version": 1,
            }
            for n in range(number)
        ]  # fmt: skip
        db.session.execute(insert(Task), rows)
        db.session.commit()
    return column(app, project, status)


def column(app, project, status="in_progress"):
    """The column's task ids in board order."""
    with app.app_context(), tenancy.system():
        return list(
            db.session.scalars(
                select(Task.id)
                .where(Task.project_id == project.id, Task.status == status)
                .order_by(Task.position, Task.id)
            )
        )


def snapshot(app, project):
    """Every task of the project as stored: position, version, updated_at."""
    with app.app_context(), tenancy.system():
        rows = db.session.execute(
            select(Task.id, Task.position, Task.version, Task.updated_at).where(
                Task.project_id == project.id
            )
        )
        return {row.id: (row.position, row.version, row.updated_at) for row in rows}


def changed(before, after):
    return {task_id for task_id in before if before[task_id] != after[task_id]}


def drop(app, team, client, task_id, index, *, status="in_progress", via="api"):
    """Drop a card at ``index`` of a column, as the API's client or the board page does."""
    if via == "api":
        answer = client.patch(f"/tasks/{task_id}", json={"status": status, "position": index})
    else:
        answer = post(
            client, f"/o/{team.org.slug}/tasks/{task_id}/move",
            {"status": status, "position": index}, headers={"HX-Request": "true"},
        )  # fmt: skip
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer


@pytest.fixture
def mover(team, api_as, as_user):
    """A client of the owner: ``mover("api")`` or ``mover("page")``."""
    return lambda via: (api_as if via == "api" else as_user)(team.people["owner"])


@pytest.mark.parametrize("via", ["api", "page"])
def test_a_drop_into_a_column_of_fifty_writes_one_row(app, team, mover, via):
    ids = fill(app, team.project, 50)
    client = mover(via)
    drop(app, team, client, ids[49], 3, via=via)  # warm caches, and a first drop
    before = snapshot(app, team.project)
    with counted(app) as seen:
        drop(app, team, client, ids[10], 30, via=via)
    updates = [s for s in seen if s.lstrip().upper().startswith("UPDATE TASKS")]
    assert len(updates) == 1 and "tasks.id =" in updates[0]
    after = snapshot(app, team.project)
    assert changed(before, after) == {ids[10]}  # nobody else's version nor updated_at
    assert after[ids[10]][1] == before[ids[10]][1] + 1
    expected = [i for i in ids if i != ids[49]]
    expected.insert(3, ids[49])
    expected.remove(ids[10])
    expected.insert(30, ids[10])
    assert column(app, team.project) == expected


def test_a_card_from_another_column_lands_at_its_index_in_one_write(app, team, api_as):
    ids = fill(app, team.project, 50)
    client = api_as(team.people["owner"])
    before = snapshot(app, team.project)
    answer = drop(app, team, client, team.task.id, 7)
    assert answer.json["status"] == "in_progress"
    assert changed(before, snapshot(app, team.project)) == {team.task.id}
    assert column(app, team.project) == [*ids[:7], team.task.id, *ids[7:]]
    assert column(app, team.project, "todo") == []


def test_new_tasks_go_a_gap_after_the_last_one(app, team):
    second = make_task(app, team.project, team.people["owner"], title="Second")
    assert (team.task.position, second.position) == (0, ordering.GAP)


def test_a_column_whose_keys_reach_the_ceiling_is_spread_out_for_a_new_task(app, team):
    ids = fill(app, team.project, 3, status="todo", start=ordering.CEILING - 2, step=1)
    assert ids[0] == team.task.id  # at 0, then three at the very top of the keys
    added = make_task(app, team.project, team.people["owner"], title="Last")
    assert column(app, team.project, "todo") == [*ids, added.id]
    assert max(p for p, _, _ in snapshot(app, team.project).values()) <= ordering.CEILING


def test_a_drop_between_adjacent_keys_rebalances_and_keeps_the_order(app, team, api_as):
    ids = fill(app, team.project, 10, step=1)  # 0, 1, 2... as stored before gaps
    before = snapshot(app, team.project)
    drop(app, team, api_as(team.people["owner"]), ids[8], 4)
    after = snapshot(app, team.project)
    assert column(app, team.project) == [*ids[:4], ids[8], *ids[4:8], ids[9]]
    positions = [after[i][0] for i in column(app, team.project)]
    assert positions == sorted(set(positions))  # distinct: room again for the next drop
    for other in set(ids) - {ids[8]}:  # renumbered, not changed: same version, same time
        assert after[other][1:] == before[other][1:]


def test_a_rebalance_renumbers_a_window_around_the_drop_not_the_column(app, team, api_as):
    fill(app, team.project, 150)
    fill(app, team.project, 2, start=149 * ordering.GAP + 1, step=1)  # ..., 149 GAP, +1, +2
    crowded = column(app, team.project)
    before = snapshot(app, team.project)
    # Without the first card, index 150 falls between the last two: no room there.
    assert before[crowded[151]][0] - before[crowded[150]][0] == 1
    drop(app, team, api_as(team.people["owner"]), crowded[0], 150)
    written = changed(before, snapshot(app, team.project))
    assert crowded[0] in written and len(written) <= 2 * ordering.FIRST_REACH + 1
    assert column(app, team.project) == [*crowded[1:151], crowded[0], *crowded[151:]]


def test_a_card_dropped_where_it_is_changes_nothing(app, team, api_as):
    ids = fill(app, team.project, 5)
    client = api_as(team.people["owner"])
    before = snapshot(app, team.project)
    answer = drop(app, team, client, ids[2], 2)
    assert answer.json["version"] == 1
    assert snapshot(app, team.project) == before


def test_a_drop_is_one_history_entry_of_the_moved_task(app, team, api_as):
    ids = fill(app, team.project, 5)
    drop(app, team, api_as(team.people["owner"]), ids[4], 1)
    with app.app_context(), tenancy.system():
        events = db.session.scalars(
            select(ActivityEvent).where(ActivityEvent.verb == "task.updated")
        ).all()
    assert [(e.task_id, e.changes) for e in events] == [
        (ids[4], {"position": [4 * ordering.GAP, ordering.GAP // 2]})
    ]


def test_many_drops_leave_the_order_asked_for(app, team, api_as, monkeypatch):
    made_room = []
    make_room = ordering._make_room
    monkeypatch.setattr(
        ordering, "_make_room", lambda *a, **k: made_room.append(k) or make_room(*a, **k)
    )
    statuses = ["todo", "in_progress", "done"]
    board = {status: fill(app, team.project, 12, status=status) for status in statuses}
    board["todo"] = column(app, team.project, "todo")  # the team's task is first
    client = api_as(team.people["owner"])
    rng = random.Random(6)
    for turn in range(90):
        source = rng.choice([s for s in statuses if board[s]])
        task_id = rng.choice(board[source])
        target = rng.choice(statuses)
        board[source].remove(task_id)
        # Every third drop goes second: the same spot again and again runs out of room.
        index = 1 if turn % 3 == 0 else rng.randint(0, len(board[target]) + 2)
        board[target].insert(min(index, len(board[target])), task_id)
        drop(app, team, client, task_id, index, status=target)
    assert made_room, "the drops ran out of room somewhere and rebalanced"
    for status in statuses:
        assert column(app, team.project, status) == board[status]


def test_two_drops_into_one_column_at_once_take_turns(committed_app, make_user):
    app = committed_app
    owner = make_user(name="Racer")
    org = make_org(app, owner, name="Race")
    project = make_project(app, org)
    ids = fill(app, project, 10, step=1)  # no room anywhere: both drops rebalance
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def move(task_id, index):
        with acting(app, org, owner) as me:
            try:
                task = services.get_task(org.id, task_id)
                barrier.wait()
                services.update_task(actor=me, task=task, data=TaskUpdate(position=index))
            except BaseException as error:  # the test reports it
                failures.append(error)
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=move, args=(ids[9], 2)),
        threading.Thread(target=move, args=(ids[8], 2)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    rest = ids[:8]
    # Whichever went second is at index 2 and pushed the first one down by one.
    assert column(app, project) in (
        [*rest[:2], ids[8], ids[9], *rest[2:]],
        [*rest[:2], ids[9], ids[8], *rest[2:]],
    )
    positions = [position for position, _, _ in snapshot(app, project).values()]
    assert len(set(positions)) == len(positions)


def test_a_teammates_poll_sees_a_drop_once_and_a_drop_in_place_not_at_all(
    app, team, api_as, as_user
):
    ids = fill(app, team.project, 5)
    columns = f"/o/{team.org.slug}/projects/{team.project.id}/board/columns"
    teammate = as_user(team.people["member"])
    etag = teammate.get(columns).headers["ETag"]
    client = api_as(team.people["owner"])
    drop(app, team, client, ids[2], 2)  # where it is: nothing changed
    assert teammate.get(columns, headers={"If-None-Match": etag}).status_code == 304
    drop(app, team, client, ids[4], 0)
    moved = teammate.get(columns, headers={"If-None-Match": etag})
    assert moved.status_code == 200 and moved.headers["ETag"] != etag
    again = teammate.get(columns, headers={"If-None-Match": moved.headers["ETag"]})
    assert again.status_code == 304


def test_a_drop_on_a_filtered_board_lands_above_the_card_it_was_dropped_on(app, team, as_user):
    # The owner's board filtered to one assignee shows A and D; B and C (someone
    # else's) are hidden between them. Dropped just above D, the card must land just
    # above D, not at "index 1" among all four (between A and B); dropped below D, at
    # the end, not at "index 2" (above D).
    a, b, c, d = fill(app, team.project, 4)
    client = as_user(team.people["owner"])

    def drop_above(task_id, card_id):
        values = {"status": "in_progress"} | ({"above": card_id} if card_id else {})
        answer = post(
            client, f"/o/{team.org.slug}/tasks/{task_id}/move?assignee=me", values,
            headers={"HX-Request": "true"},
        )  # fmt: skip
        assert answer.status_code == 200, answer.get_data(as_text=True)

    drop_above(team.task.id, d)
    assert column(app, team.project) == [a, b, c, team.task.id, d]
    drop_above(a, None)
    assert column(app, team.project) == [b, c, team.task.id, d, a]
    drop_above(b, team.task.id)
    assert column(app, team.project) == [c, b, team.task.id, d, a]
    # Above a card that has left the column meanwhile: the end, nothing refused.
    with app.app_context(), tenancy.system():
        db.session.get(Task, d).status = "done"
        db.session.commit()
    drop_above(c, d)
    assert column(app, team.project) == [b, team.task.id, a, c]


def test_a_drop_above_a_card_is_refused_to_a_viewer(app, team, as_user):
    [card] = fill(app, team.project, 1)
    answer = post(
        as_user(team.people["viewer"]), f"/o/{team.org.slug}/tasks/{team.task.id}/move",
        {"status": "in_progress", "above": card}, headers={"HX-Request": "true"},
    )  # fmt: skip
    assert answer.status_code == 403
    assert column(app, team.project) == [card]


def test_the_api_takes_the_task_a_card_goes_above(app, team, api_as):
    a, b, c = fill(app, team.project, 3)
    api = api_as(team.people["owner"])
    moved = api.patch(f"/tasks/{team.task.id}", json={"status": "in_progress", "above": c})
    assert moved.status_code == 200, moved.json
    assert column(app, team.project) == [a, b, team.task.id, c]
    assert column(app, team.project, "todo") == []
    refused = [
        api.patch(f"/tasks/{a}", json={"above": c, "position": 0}),
        api.patch(f"/tasks/{a}", json={"above": a}),
    ]
    assert [answer.status_code for answer in refused] == [422, 422]
    assert "above" in refused[0].json["details"] and "above" in refused[1].json["details"]
    assert column(app, team.project) == [a, b, team.task.id, c]


def test_a_drop_under_the_last_shown_card_lands_just_below_it(app, team, as_user, api_as):
    # A column shown a page at a time: under the last card shown, the card goes just
    # below that card, not behind every card "Load more" would show.
    ids = fill(app, team.project, 50)
    answer = post(
        as_user(team.people["owner"]), f"/o/{team.org.slug}/tasks/{team.task.id}/move",
        {"status": "in_progress", "below": ids[29]}, headers={"HX-Request": "true"},
    )  # fmt: skip
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert column(app, team.project) == [*ids[:30], team.task.id, *ids[30:]]
    api = api_as(team.people["owner"])
    assert api.patch(f"/tasks/{ids[0]}", json={"below": ids[49]}).status_code == 200
    assert column(app, team.project)[-2:] == [ids[49], ids[0]]
    refused = api.patch(f"/tasks/{ids[1]}", json={"below": ids[2], "above": ids[3]})
    assert refused.status_code == 422 and set(refused.json["details"]) == {"above", "below"}
