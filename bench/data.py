"""Benchmark data, made inside PostgreSQL: ``generate_series``, then ``VACUUM ANALYZE``.

One database per size (``tm_bench_1k``, ``tm_bench_100k``, ``tm_bench_1m``), migrated
with the product's own migrations, then filled by set-based SQL: one organization of
20 members, 10 labels, one project holding every task (the worst case for a project
list), ~1.5 labels and ~1 comment per task, 5% of tasks assigned to the bench user.
A database already filled for its size (its ``bench_meta`` row says so) is reused.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg
import psycopg.conninfo

ROOT = Path(__file__).resolve().parents[1]
ADMIN_DSN = os.environ.get("BENCH_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
# Another worktree's branch may have migrated the shared databases past this one's head:
# BENCH_DATABASE_PREFIX=tm_bench_mine gives this checkout databases of its own.
PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "tm_bench")
SIZES = {"1k": 1_000, "100k": 100_000, "1m": 1_000_000}
MEMBERS = 20
LABELS = 10


@dataclass(frozen=True)
class Dataset:
    name: str  # "1k"
    tasks: int
    database: str  # tm_bench_1k
    url: str  # postgresql://...
    organization_id: int
    project_id: int  # the project holding every task
    write_project_id: int  # an empty project the POST benchmark fills
    user_id: int  # an owner of the organization
    family_id: int  # a live API token family of that user
    first_task_id: int
    last_task_id: int


def dsn(database: str, admin_dsn: str = ADMIN_DSN) -> str:
    """The URL of ``database`` on the server ``admin_dsn`` names (the bench's own cluster too)."""
    parts = psycopg.conninfo.conninfo_to_dict(admin_dsn)
    host, port, user = parts.get("host", "127.0.0.1"), parts.get("port", "5432"), parts["user"]
    return f"postgresql://{user}@{host}:{port}/{database}"


FILL = """
INSERT INTO organizations (id, name, slug, plan, created_at)
VALUES (1, 'Bench Org', 'bench', 'business', now());
INSERT INTO users (id, email, name, password, active, is_staff, confirmed_at, fs_uniquifier,
    time_zone, notify_assigned, notify_mentions, reminder_hours, weekly_summary,
    created_at, updated_at)
SELECT n, 'user' || n || '@bench.example', 'User ' || n, NULL, true, false, now(),
    md5('u' || n), 'UTC', false, false, 0, false, now(), now()
FROM generate_series(1, %(members)s) AS n;
INSERT INTO memberships (organization_id, user_id, role, created_at)
SELECT 1, n, CASE WHEN n = 1 THEN 'owner' ELSE 'member' END, now()
FROM generate_series(1, %(members)s) AS n;
INSERT INTO projects (id, organization_id, name, description, archived, created_at, version)
VALUES (1, 1, 'Everything', '', false, now(), 1), (2, 1, 'Writes', '', false, now(), 1);
INSERT INTO labels (id, organization_id, name, color)
SELECT n, 1, 'label-' || n, '#6c757d' FROM generate_series(1, %(labels)s) AS n;
INSERT INTO tasks (id, organization_id, project_id, title, description, status, priority,
    due_at, assignee_id, created_by_id, position, completed_at, version, created_at, updated_at)
SELECT n, 1, 1,
    'Task ' || n || ' ' || (ARRAY['fix','write','review','ship','plan'])[1 + n %% 5],
    'Description of task ' || n || ': ' || repeat('lorem ipsum ', 1 + n %% 8),
    (ARRAY['todo','in_progress','done'])[1 + n %% 3],
    (ARRAY['low','normal','high','urgent'])[1 + n %% 4],
    CASE WHEN n %% 4 = 0 THEN now() + (n %% 60) * interval '1 day' END,
    CASE WHEN n %% 20 = 0 THEN 1 ELSE 1 + n %% %(members)s END,
    1, (n / 3) * 1024, CASE WHEN n %% 3 = 2 THEN now() END, 1, now(), now()
FROM generate_series(1, %(tasks)s) AS n;
INSERT INTO task_labels (task_id, label_id)
SELECT n, 1 + n %% %(labels)s FROM generate_series(1, %(tasks)s) AS n
UNION ALL
SELECT n, 1 + (n + 3) %% %(labels)s FROM generate_series(1, %(tasks)s) AS n WHERE n %% 2 = 0;
INSERT INTO comments (organization_id, task_id, author_id, body, edited, created_at,
    updated_at, version)
SELECT 1, n, 1 + n %% %(members)s, 'A comment on ' || n, false, now(), now(), 1
FROM generate_series(1, %(tasks)s) AS n;
INSERT INTO api_token_families (id, user_id, current_jti, created_at, rotated_at)
VALUES (1, 1, 'bench-family-1', now(), now());
"""

SEQUENCES = (
    "organizations", "users", "memberships", "projects", "labels", "tasks", "comments",
    "api_token_families",
)  # fmt: skip


def _migrate(url: str) -> None:
    env = dict(
        os.environ,
        TASKMANAGER_DATABASE_URL=url,
        TASKMANAGER_INSTANCE_PATH=str(ROOT / "bench" / "instance"),
        FLASK_APP="taskmanager",
    )
    done = subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"],
        cwd=ROOT, env=env, check=False, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode:
        raise RuntimeError(
            f"flask db upgrade failed on {url} (a database migrated by another branch? "
            f"set BENCH_DATABASE_PREFIX to use databases of your own):\n{done.stderr[-1500:]}"
        )


def ensure(name: str, *, log: object = print, admin_dsn: str = ADMIN_DSN) -> Dataset:
    """The dataset of this size, made if missing (minutes at 1M tasks).

    ``admin_dsn`` names the server: the shared one, or the bench's own cluster
    (``bench.pgstat``).
    """
    tasks = SIZES[name]
    database = f"{PREFIX}_{name}"
    url = dsn(database, admin_dsn)
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
        if exists.fetchone() is None:
            admin.execute(f'CREATE DATABASE "{database}"')
    filled = False
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (tasks integer)")
        row = conn.execute("SELECT tasks FROM bench_meta").fetchone()
        filled = row is not None and row[0] == tasks
    if not filled:
        log(f"data: building {database} with {tasks:,} tasks (generate_series)")  # type: ignore[operator]
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{database}"')
        _migrate(url)
        with psycopg.connect(url) as conn:
            params = {"members": MEMBERS, "labels": LABELS, "tasks": tasks}
            for statement in filter(str.strip, FILL.split(";\n")):
                conn.execute(statement, params)  # type: ignore[call-overload]
            for table in SEQUENCES:
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
            conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (tasks integer)")
            conn.execute("INSERT INTO bench_meta VALUES (%s)", (tasks,))
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    else:
        # Migrations merged since the data was made run on it (new tables stay empty).
        _migrate(url)
        # Rows the POST benchmark added last time go, so every run starts alike.
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DELETE FROM activity_events")
            conn.execute("DELETE FROM tasks WHERE project_id = 2")
            conn.execute("DELETE FROM attachments")  # P8's upload
            conn.execute("DELETE FROM outbound_emails")  # P9's messages
            conn.execute("VACUUM ANALYZE tasks, activity_events")
    return Dataset(
        name=name, tasks=tasks, database=database, url=url, organization_id=1,
        project_id=1, write_project_id=2, user_id=1, family_id=1,
        first_task_id=1, last_task_id=tasks,
    )  # fmt: skip
