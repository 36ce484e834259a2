"""PostgreSQL for the benchmark: one database per app, the same seeded data in each."""

from __future__ import annotations

import psycopg
from psycopg import sql

HOST = "127.0.0.1"
PORT = 5432
USERS = 10
POSTS = 10_000

# Each app names its tables its own way (Django prefixes the app label).
TABLES = {
    "flask": ("users", "posts"),
    "django": ("blog_user", "blog_post"),
    "fastapi": ("users", "posts"),
}


def superuser() -> str:
    """The first role that can log in with trust auth: ``postgres``, else ``root``."""
    for user in ("postgres", "root"):
        try:
            with psycopg.connect(host=HOST, port=PORT, user=user, dbname="postgres"):
                return user
        except psycopg.OperationalError:
            continue
    raise RuntimeError(
        f"No PostgreSQL at {HOST}:{PORT} with trust auth for postgres or root: "
        "run `make services` (scripts/ensure-services.sh)."
    )


def recreate_database(user: str, name: str) -> str:
    """Drop and create ``name``; return its SQLAlchemy URL (psycopg 3)."""
    with psycopg.connect(host=HOST, port=PORT, user=user, dbname="postgres", autocommit=True) as c:
        c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"postgresql+psycopg://{user}@{HOST}:{PORT}/{name}"


def reseed_posts(user: str, database: str, app: str) -> tuple[int, int]:
    """Replace all posts by ``POSTS`` rows spread over the users; return (min id, max id).

    Rows are made in the database (generate_series), one second apart, authors in
    turn, then VACUUM ANALYZE, so every app starts each run from the same state.
    """
    users, posts = (sql.Identifier(t) for t in TABLES[app])
    with psycopg.connect(host=HOST, port=PORT, user=user, dbname=database, autocommit=True) as c:
        c.execute(sql.SQL("DELETE FROM {}").format(posts))
        c.execute(
            sql.SQL(
                """
                INSERT INTO {posts} (title, body, created_at, author_id)
                SELECT 'Post number ' || n,
                       repeat('Some body text for post ' || n || '. ', 8),
                       now() - make_interval(secs => %(posts)s - n),
                       ids[1 + n %% array_length(ids, 1)]
                FROM generate_series(1, %(posts)s) AS n,
                     (SELECT array_agg(id ORDER BY id) AS ids FROM {users}) AS u
                """
            ).format(posts=posts, users=users),
            {"posts": POSTS},
        )
        c.execute(sql.SQL("VACUUM ANALYZE {}").format(posts))
        c.execute(sql.SQL("VACUUM ANALYZE {}").format(users))
        low, high = c.execute(sql.SQL("SELECT min(id), max(id) FROM {}").format(posts)).fetchone()
    return int(low), int(high)
