"""The raw baseline: the product's API work, by hand, on WSGI and psycopg 3.

It answers the three operations ``make bench`` times, with the same SQL statements the
product sends (see ``SQL`` below: the product's statements, as its log shows them, in
their hand-written form), the same JWT check, the same rate-limit bookkeeping in Redis
and the same JSON body and headers:

- ``GET /api/v1/tasks/<id>``: token -> live family and active user (one statement),
  the caller's membership joined to the task with its project, assignee, comment and
  attachment counts, watchers, card marks (checklist progress, blocked) and repeat
  rule (one), its labels (one).
- ``GET /api/v1/projects/<id>/tasks?per_page=N&page=P``: token, membership with the
  project (one), the page with the same columns and the total as an
  uncorrelated subquery (one; a page past the end counts apart), the page's labels
  (one); Link header
  and a signed ``next_cursor``.
- ``POST /api/v1/projects/<id>/tasks``: token, membership with the project, the next
  position in the column, the task row, the creator following it, its activity row,
  one transaction.

What it leaves out, none of which changes the work a request does: routing beyond a
few regular expressions (the product has ~150 rules), Pydantic validation (the same
rules by hand: title 1-200 characters, known status and priority), the OpenAPI
machinery, sessions and CSRF (the API uses neither), logging configuration (the
product logs nothing per request at the default level either), and every feature the
three operations do not use (filters, sorts other than position, cursors sent in,
assignees and labels in the body, Idempotency-Key).

Run: ``gunicorn 'bench.baseline.app:create_app()'`` with ``BENCH_DATABASE_URL``,
``BENCH_SECRET_KEY`` and ``BENCH_REDIS_URL`` set; ``/livez`` answers ``{"status":"ok"}``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import uuid
from collections.abc import Callable
from collections.abc import Iterable
from datetime import UTC
from datetime import datetime
from typing import Any
from typing import NamedTuple
from urllib.parse import parse_qs
from urllib.parse import urlencode

import jwt
import orjson
import psycopg
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from psycopg_pool import ConnectionPool

AUDIENCE = "taskmanager-api"
TASK = re.compile(r"^/api/v1/tasks/(\d+)$")
PROJECT_TASKS = re.compile(r"^/api/v1/projects/(\d+)/tasks$")
STATUSES = ("todo", "in_progress", "done")
PRIORITIES = ("low", "normal", "high", "urgent")
# The headers Talisman and the request-id middleware put on every product answer.
SECURITY_HEADERS = [
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    (
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'",
    ),
]

SQL = {
    "caller": """
        SELECT u.id FROM api_token_families f JOIN users u ON u.id = f.user_id
        WHERE f.id = %s AND f.revoked_at IS NULL AND f.user_id = %s AND u.active""",
    "membership_by_project": """
        SELECT m.organization_id, m.role, p.name, p.archived FROM memberships m
        JOIN projects p ON p.organization_id = m.organization_id
        WHERE p.id = %s AND m.user_id = %s""",
    "task": """
        SELECT m.organization_id, m.role, t.id, t.organization_id, t.project_id, p.name,
               t.title, t.description, t.status, t.priority, t.position, t.due_at, u.id,
               u.name, u.email, t.created_by_id, t.completed_at, t.created_at, t.updated_at,
               t.version, (SELECT count(*) FROM comments c WHERE c.task_id = t.id),
               (SELECT count(ci.id) FROM checklist_items ci
                WHERE ci.task_id = t.id AND ci.done IS true),
               (SELECT count(ci.id) FROM checklist_items ci WHERE ci.task_id = t.id),
               EXISTS (SELECT * FROM task_dependencies d, tasks b WHERE d.blocked_id = t.id
                       AND d.blocker_id = b.id AND b.status != 'done'),
               (SELECT s.rule FROM task_series s WHERE s.current_task_id = t.id),
               (SELECT s.timezone FROM task_series s WHERE s.current_task_id = t.id),
               (SELECT count(a.id) FROM attachments a WHERE a.task_id = t.id),
               (SELECT string_agg(w.user_id::varchar, ',') FROM task_watchers w
                JOIN memberships wm ON wm.organization_id = w.organization_id
                AND wm.user_id = w.user_id WHERE w.task_id = t.id)
        FROM memberships m JOIN tasks t ON t.organization_id = m.organization_id
        JOIN projects p ON p.id = t.project_id LEFT JOIN users u ON u.id = t.assignee_id
        WHERE t.id = %s AND m.user_id = %s""",
    "labels": """
        SELECT tl.task_id, l.id, l.name, l.color FROM task_labels tl
        JOIN labels l ON l.id = tl.label_id
        WHERE tl.task_id = ANY(%s) AND l.organization_id = %s ORDER BY l.name""",
    "page": """
        SELECT t.id, t.organization_id, t.project_id, p.name, t.title, t.description,
               t.status, t.priority, t.position, t.due_at, u.id, u.name, u.email,
               t.created_by_id, t.completed_at, t.created_at, t.updated_at, t.version,
               (SELECT count(*) FROM comments c WHERE c.task_id = t.id),
               (SELECT count(ci.id) FROM checklist_items ci
                WHERE ci.task_id = t.id AND ci.done IS true),
               (SELECT count(ci.id) FROM checklist_items ci WHERE ci.task_id = t.id),
               EXISTS (SELECT * FROM task_dependencies d, tasks b WHERE d.blocked_id = t.id
                       AND d.blocker_id = b.id AND b.status != 'done'),
               (SELECT count(*) FROM tasks WHERE project_id = %(project)s
                AND organization_id = %(org)s),
               (SELECT s.rule FROM task_series s WHERE s.current_task_id = t.id),
               (SELECT s.timezone FROM task_series s WHERE s.current_task_id = t.id),
               (SELECT count(a.id) FROM attachments a WHERE a.task_id = t.id),
               (SELECT string_agg(w.user_id::varchar, ',') FROM task_watchers w
                JOIN memberships wm ON wm.organization_id = w.organization_id
                AND wm.user_id = w.user_id WHERE w.task_id = t.id)
        FROM tasks t JOIN projects p ON p.id = t.project_id
        LEFT JOIN users u ON u.id = t.assignee_id
        WHERE t.project_id = %(project)s AND t.organization_id = %(org)s
        ORDER BY t.position, t.id LIMIT %(limit)s OFFSET %(offset)s""",
    "count": "SELECT count(*) FROM tasks WHERE project_id = %s AND organization_id = %s",
    "next_position": """
        SELECT coalesce(max(position), -1) + 1 FROM tasks
        WHERE project_id = %s AND status = %s AND organization_id = %s""",
    "insert_task": """
        INSERT INTO tasks (organization_id, project_id, title, description, status,
            priority, due_at, assignee_id, created_by_id, position, completed_at,
            version, created_at, updated_at)
        VALUES (%s, %s, %s, %s, %s, %s, NULL, NULL, %s, %s, %s, 1, %s, %s)
        RETURNING id""",
    "insert_watcher": """
        INSERT INTO task_watchers (task_id, user_id, created_at, organization_id)
        VALUES (%s, %s, %s, %s)""",
    "insert_activity": """
        INSERT INTO activity_events (organization_id, actor_id, verb, subject_type,
            subject_id, subject_title, task_id, changes, created_at)
        VALUES (%s, %s, 'task.created', 'task', %s, %s, %s, '{}', %s)""",
}


class Caller(NamedTuple):
    user_id: int
    family_id: int


class Refused(Exception):
    def __init__(self, status: str, code: str, message: str) -> None:
        self.status, self.code, self.message = status, code, message


def _iso(value: datetime | None) -> str | None:
    # As the product's schemas write it: UTC, with a Z.
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _task_out(
    row: tuple[Any, ...],
    labels: list[dict[str, Any]],
    me: int,
    extra: tuple[Any, ...] = (None, None, 0, None),
) -> dict[str, Any]:
    """``row``: the task's columns; ``extra``: its rule, zone, attachments and watchers."""
    repeats, attachments, watcher_ids = extra[:2], extra[2], extra[3]
    watchers = {int(text) for text in (watcher_ids or "").split(",") if text}
    assignee = None
    if row[10] is not None:
        assignee = {"id": row[10], "name": row[11] or row[12].split("@", 1)[0]}
    return {
        "id": row[0], "organization_id": row[1], "project": {"id": row[2], "name": row[3]},
        "title": row[4], "description": row[5], "status": row[6], "priority": row[7],
        "position": row[8], "due_at": _iso(row[9]), "assignee": assignee, "labels": labels,
        "comment_count": row[18], "attachment_count": attachments,
        "watching": me in watchers, "watcher_count": len(watchers),
        "created_by_id": row[13], "completed_at": _iso(row[14]),
        "created_at": _iso(row[15]), "updated_at": _iso(row[16]), "version": row[17],
        "checklist": {"done": row[19], "total": row[20]}, "blocked": row[21],
        # The product words the rule too (recurrence.rules.summary); rare, and not timed.
        "recurrence": None if repeats[0] is None
        else {"rule": repeats[0], "timezone": repeats[1], "summary": repeats[0]},
    }  # fmt: skip


class Baseline:
    def __init__(self, database_url: str, secret_key: str, redis_url: str) -> None:
        self.pool = ConnectionPool(database_url, min_size=1, max_size=4, open=True)
        self.key = secret_key
        self.cursor_key = hashlib.sha256(("cursor:" + secret_key).encode()).digest()
        storage = storage_from_string(redis_url or "memory://")
        self.limiter = MovingWindowRateLimiter(storage)
        self.reads = parse(os.environ.get("BENCH_READ_LIMIT", "1000000 per minute"))
        self.writes = parse(os.environ.get("BENCH_WRITE_LIMIT", "1000000 per minute"))

    # --- the WSGI edge ------------------------------------------------------------

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        headers = [("X-Request-ID", uuid.uuid4().hex), *SECURITY_HEADERS]
        try:
            status, body, extra = self.route(environ)
        except Refused as refused:
            status = refused.status
            body = {"error": {"code": refused.code, "message": refused.message}}
            extra = []
        data = orjson.dumps(body)
        headers += [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
        start_response(status, headers + extra)
        return [data]

    def route(self, environ: dict[str, Any]) -> tuple[str, Any, list[tuple[str, str]]]:
        path = environ["PATH_INFO"]
        method = environ["REQUEST_METHOD"]
        if path == "/livez":
            return "200 OK", {"status": "ok"}, []
        if found := TASK.match(path):
            if method != "GET":
                raise Refused("405 METHOD NOT ALLOWED", "method_not_allowed", "GET only here.")
            caller, limits = self.authenticate(environ, write=False)
            return self.get_task(caller, int(found.group(1)), limits)
        if found := PROJECT_TASKS.match(path):
            write = method == "POST"
            caller, limits = self.authenticate(environ, write=write)
            if write:
                return self.create_task(caller, int(found.group(1)), environ, limits)
            return self.list_tasks(caller, int(found.group(1)), environ, limits)
        raise Refused("404 NOT FOUND", "not_found", "No such page.")

    def authenticate(
        self, environ: dict[str, Any], *, write: bool
    ) -> tuple[Caller, list[tuple[str, str]]]:
        scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Refused("401 UNAUTHORIZED", "unauthorized", "Sign in to continue.")
        try:
            claims = jwt.decode(
                token, self.key, algorithms=["HS256"], audience=AUDIENCE,
                options={"require": ["exp"]},
            )  # fmt: skip
        except jwt.PyJWTError:
            raise Refused("401 UNAUTHORIZED", "unauthorized", "The token is not valid.") from None
        if claims.get("type") != "access" or "fam" not in claims:
            raise Refused("401 UNAUTHORIZED", "unauthorized", "The token is not valid.")
        limit = self.writes if write else self.reads
        key = f"user:{claims['sub']}"
        scope = "api-writes" if write else "api-reads"
        if not self.limiter.hit(limit, scope, key):
            raise Refused("429 TOO MANY REQUESTS", "rate_limited", "Too many requests.")
        stats = self.limiter.get_window_stats(limit, scope, key)
        limits = [
            ("X-RateLimit-Limit", str(limit.amount)),
            ("X-RateLimit-Remaining", str(stats.remaining)),
            ("X-RateLimit-Reset", str(int(stats.reset_time))),
        ]
        return Caller(int(claims["sub"]), int(claims["fam"])), limits

    def _check_caller(self, cur: psycopg.Cursor[Any], caller: Caller) -> None:
        if cur.execute(SQL["caller"], (caller.family_id, caller.user_id)).fetchone() is None:
            raise Refused("401 UNAUTHORIZED", "unauthorized", "This sign-in was revoked.")

    # --- the three operations -----------------------------------------------------

    def get_task(self, caller: Caller, task_id: int, limits: list[tuple[str, str]]) -> Any:
        with self.pool.connection() as conn, conn.cursor() as cur:
            self._check_caller(cur, caller)
            user_id = caller.user_id
            found = cur.execute(SQL["task"], (task_id, user_id)).fetchone()
            if found is None:
                raise Refused("404 NOT FOUND", "not_found", "No such task.")
            org, row = found[0], found[2:]
            labels = [
                {"id": lid, "name": name, "color": color}
                for _, lid, name, color in cur.execute(SQL["labels"], ([task_id], org))
            ]
        out = _task_out(row, labels, user_id, row[22:26])
        return "200 OK", out, [("ETag", f'"{row[17]}"'), *limits]

    def list_tasks(
        self,
        caller: Caller,
        project_id: int,
        environ: dict[str, Any],
        limits: list[tuple[str, str]],
    ) -> Any:
        args = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        try:
            page = int(args.get("page", 1))
            per_page = int(args.get("per_page", 20))
        except ValueError:
            raise Refused("400 BAD REQUEST", "validation_error", "Not a number.") from None
        if not (1 <= page <= 100_000 and 1 <= per_page <= 100):
            raise Refused("400 BAD REQUEST", "validation_error", "Out of range.")
        with self.pool.connection() as conn, conn.cursor() as cur:
            self._check_caller(cur, caller)
            user_id = caller.user_id
            member = cur.execute(SQL["membership_by_project"], (project_id, user_id)).fetchone()
            if member is None:
                raise Refused("404 NOT FOUND", "not_found", "No such project.")
            org = member[0]
            offset = (page - 1) * per_page
            page_of = {"project": project_id, "org": org, "limit": per_page + 1, "offset": offset}
            rows = cur.execute(SQL["page"], page_of).fetchall()
            if rows:
                total = rows[0][22]
            else:
                total = cur.execute(SQL["count"], (project_id, org)).fetchone()[0]  # type: ignore[index]
            shown = rows[:per_page]
            by_task: dict[int, list[dict[str, Any]]] = {row[0]: [] for row in shown}
            if shown:
                for task_id, lid, name, color in cur.execute(SQL["labels"], (list(by_task), org)):
                    by_task[task_id].append({"id": lid, "name": name, "color": color})
        items = [_task_out(row, by_task[row[0]], caller.user_id, row[23:27]) for row in shown]
        next_cursor = None
        if len(rows) > per_page:
            last = shown[-1]
            next_cursor = self._cursor({"after": [last[8], last[0]], "sort": "position"})
        pages = max(1, -(-total // per_page))
        body = {
            "items": items, "total": total, "page": page, "per_page": per_page,
            "pages": pages, "next_cursor": next_cursor,
        }  # fmt: skip
        base = f"http://{environ.get('HTTP_HOST', 'localhost')}{environ['PATH_INFO']}"
        links = {"first": 1, "last": pages}
        if page > 1:
            links["prev"] = min(page - 1, pages)
        if page < pages:
            links["next"] = page + 1
        link = ", ".join(
            f'<{base}?{urlencode({**args, "page": str(n)})}>; rel="{rel}"'
            for rel, n in links.items()
        )
        return "200 OK", body, [("Link", link), *limits]

    def create_task(
        self,
        caller: Caller,
        project_id: int,
        environ: dict[str, Any],
        limits: list[tuple[str, str]],
    ) -> Any:
        if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
            raise Refused("415 UNSUPPORTED MEDIA TYPE", "unsupported_media_type", "Send JSON.")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        try:
            data = orjson.loads(environ["wsgi.input"].read(length))
        except orjson.JSONDecodeError:
            raise Refused(
                "400 BAD REQUEST", "invalid_json", "The body is not valid JSON."
            ) from None
        title = data.get("title") if isinstance(data, dict) else None
        if not isinstance(title, str) or not 1 <= len(title.strip()) <= 200 or "\x00" in title:
            raise Refused("400 BAD REQUEST", "validation_error", "A task needs a title.")
        title = title.strip()
        status = data.get("status") or "todo"
        priority = data.get("priority") or "normal"
        description = data.get("description") or ""
        if status not in STATUSES or priority not in PRIORITIES or not isinstance(description, str):
            raise Refused("400 BAD REQUEST", "validation_error", "Some fields are not valid.")
        with self.pool.connection() as conn, conn.cursor() as cur:
            self._check_caller(cur, caller)
            user_id = caller.user_id
            member = cur.execute(SQL["membership_by_project"], (project_id, user_id)).fetchone()
            if member is None:
                raise Refused("404 NOT FOUND", "not_found", "No such project.")
            org, role, project_name, archived = member
            if role == "viewer":
                raise Refused("403 FORBIDDEN", "forbidden", "Viewers cannot change tasks.")
            if archived:
                raise Refused("409 CONFLICT", "conflict", "This project is archived.")
            position = cur.execute(SQL["next_position"], (project_id, status, org)).fetchone()[0]  # type: ignore[index]
            now = datetime.now(UTC)
            completed = now if status == "done" else None
            task_id = cur.execute(
                SQL["insert_task"],
                (org, project_id, title, description, status, priority, user_id, position,
                 completed, now, now),
            ).fetchone()[0]  # type: ignore[index]  # fmt: skip
            cur.execute(SQL["insert_watcher"], (task_id, user_id, now, org))  # creators follow
            cur.execute(SQL["insert_activity"], (org, user_id, task_id, title[:200], task_id, now))
        row = (
            task_id, org, project_id, project_name, title, description, status, priority,
            position, None, None, None, None, user_id, completed, now, now, 1, 0, 0, 0, False,
        )  # fmt: skip
        headers = [("ETag", '"1"'), ("Location", f"/api/v1/tasks/{task_id}"), *limits]
        return "201 CREATED", _task_out(row, [], user_id, (None, None, 0, str(user_id))), headers

    def _cursor(self, value: dict[str, Any]) -> str:
        payload = base64.urlsafe_b64encode(orjson.dumps(value)).rstrip(b"=")
        signature = hmac.new(self.cursor_key, payload, hashlib.sha256).digest()
        return (payload + b"." + base64.urlsafe_b64encode(signature).rstrip(b"=")).decode()


def create_app() -> Baseline:
    return Baseline(
        os.environ["BENCH_DATABASE_URL"],
        os.environ["BENCH_SECRET_KEY"],
        os.environ.get("BENCH_REDIS_URL", ""),
    )
