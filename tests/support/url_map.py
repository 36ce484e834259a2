"""The URL map as test cases (quality.md R2 and R7): every rule, what its parameters name.

``routes(app)`` lists every (rule, method) the app answers. ``KINDS`` says, for each URL
parameter name (``task_id``, ``slug``...), how to build one such object in an
organization, so a rule is aimed at another organization's objects without a case
written for it: a new route over known parameters is covered the day it is added.
A parameter no builder knows fails the matrix tests with the rule's name; add a
builder here (one function) or an exemption, with its reason, to ``EXEMPT``.

``snapshot(app)`` reads every row of every table, so a refused request can be shown
to have changed nothing, whichever feature's tables it might have touched.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask import Flask
from sqlalchemy import select

from taskmanager import tenancy
from taskmanager.extensions import db

# Checks a route can be exempt from, each by name in EXEMPT.
ISOLATION = "isolation"  # another organization's ids answer 404 (R2)
CSRF = "csrf"  # a cookie-authenticated write without a CSRF token is refused (R7)
SAFE_GET = "safe-get"  # a GET changes nothing (R7)

# The one table of exemptions: (endpoint pattern, check) -> why the check does not apply.
# A pattern is an fnmatch glob over endpoint names ("job.*" is every Flask-Admin view
# of the Job model).
EXEMPT: dict[tuple[str, str], str] = {
    # Credentials in the path, not tenant ids: a token names one thing to whoever holds it.
    ("security.confirm_email", ISOLATION): "the email-confirmation token is the credential",
    ("security.reset_password", ISOLATION): "the reset token is the credential",
    ("security.two_factor_setup_validate", ISOLATION): "the setup token is the credential",
    ("orgs.invitation", ISOLATION): "the invitation token is the credential",
    ("orgs.accept_invitation", ISOLATION): "the invitation token is the credential",
    ("pages.register_for_invitation", ISOLATION): "the invitation token is the credential",
    ("notifications.calendar_feed", ISOLATION): "the feed token is the credential",
    ("notifications.confirm", ISOLATION): "the signed unsubscribe token is the credential",
    ("notifications.apply", ISOLATION): "the signed unsubscribe token is the credential",
    # Not tenant data at all.
    ("static", ISOLATION): "public static files",
    ("admin.static", ISOLATION): "Flask-Admin's static files (staff only)",
    ("security.static", ISOLATION): "Flask-Security's static files",
    (
        "pages.outbox_message",
        ISOLATION,
    ): "development outbox; off in production (tests/test_pages.py)",
    # The staff console sees every tenant by design; strangers get 404 (tests/admin).
    ("*.export", ISOLATION): "staff console, every tenant by design (tests/admin/test_admin.py)",
    # Writes that carry their own credential instead of a session cookie.
    (
        "billing.webhook",
        CSRF,
    ): "Stripe's signature is the credential (tests/billing/test_webhooks.py)",
    ("notifications.apply", CSRF): (
        "the signed token is the credential: a mail client's one-click unsubscribe "
        "(RFC 8058) posts without a page (tests/notifications)"
    ),
}


def exemption(endpoint: str, check: str) -> str | None:
    """Why ``check`` does not apply to ``endpoint``, or None."""
    for (pattern, name), reason in EXEMPT.items():
        if name == check and fnmatch.fnmatchcase(endpoint, pattern):
            return reason
    return None


@dataclass(frozen=True)
class Route:
    """One rule and one of its methods."""

    rule: str
    endpoint: str
    method: str
    arguments: frozenset[str]

    @property
    def is_api(self) -> bool:
        return self.rule.startswith("/api/")

    @property
    def is_admin(self) -> bool:
        return self.rule.startswith("/admin/")

    def path(self, values: dict[str, Any]) -> str:
        return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(values[m.group(1)]), self.rule)

    def __str__(self) -> str:
        return f"{self.method} {self.rule} ({self.endpoint})"


def routes(app: Flask) -> list[Route]:
    found = [
        Route(rule.rule, rule.endpoint, method, frozenset(rule.arguments))
        for rule in app.url_map.iter_rules()
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    ]
    return sorted(found, key=lambda route: (route.rule, route.method))


# --- one object of each kind, per organization ------------------------------------


@dataclass
class Tenant:
    """An organization and the objects built in it, by URL parameter name, on demand.

    Every name written into it contains ``marker``, so a page or answer that shows
    any of its rows can be caught by searching for the marker.
    """

    app: Flask
    org: Any
    owner: Any
    marker: str
    member: Any = None  # the user_id of a page or API route; the owner if None
    built: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        if name not in self.built:
            self.built[name] = KINDS[name](self)
        return self.built[name]

    def values(self, names: frozenset[str] | set[str]) -> dict[str, Any]:
        return {name: self[name] for name in names}

    def actor(self) -> Any:
        from taskmanager.orgs.services import member

        return member(self.org.id, self.owner.id)


def _built(tenant: Tenant, build: Callable[[Any], Any]) -> int:
    """``build(actor)`` in a request context with every tenant visible; the row's id."""
    with tenant.app.test_request_context(), tenancy.system():
        row = build(tenant.actor())
        return int(row.id)


def _project(tenant: Tenant) -> int:
    from tests.factories import make_project

    return int(make_project(tenant.app, tenant.org, name=f"{tenant.marker} project").id)


def _label(tenant: Tenant) -> int:
    from tests.factories import make_label

    return int(make_label(tenant.app, tenant.org, name=f"{tenant.marker} label").id)


def _task(tenant: Tenant) -> int:
    from tests.factories import make_task

    project = _project_row(tenant)
    task = make_task(
        tenant.app, project, tenant.owner, title=f"{tenant.marker} task",
        label_ids=[tenant["label_id"]], description=f"{tenant.marker} description",
    )  # fmt: skip
    return int(task.id)


def _project_row(tenant: Tenant) -> Any:
    from taskmanager.projects.models import Project

    with tenant.app.app_context(), tenancy.system():
        project = db.session.get(Project, tenant["project_id"])
        db.session.expunge(project)
        return project


def _comment(tenant: Tenant) -> int:
    from taskmanager.tasks import comments
    from taskmanager.tasks.models import Task
    from taskmanager.tasks.schemas import CommentFields

    task_id = tenant["task_id"]
    return _built(
        tenant,
        lambda actor: comments.add_comment(
            actor=actor, task=db.session.get(Task, task_id),
            data=CommentFields(body=f"{tenant.marker} comment"),
        ),
    )  # fmt: skip


def _invitation(tenant: Tenant) -> int:
    from taskmanager.orgs import invitations
    from taskmanager.orgs.schemas import InvitationIn

    email = f"{tenant.marker.lower()}-guest@example.com"
    return _built(
        tenant, lambda actor: invitations.invite(actor=actor, data=InvitationIn(email=email))
    )


def _attachment(tenant: Tenant) -> int:
    from taskmanager.attachments import services as attachments
    from taskmanager.tasks.models import Task

    task_id = tenant["task_id"]
    content = f"{tenant.marker} file".encode()
    return _built(
        tenant,
        lambda actor: attachments.add_attachment(
            actor=actor, task=db.session.get(Task, task_id), filename=f"{tenant.marker}.txt",
            chunks=[content], limits=attachments.admit(actor=actor, declared_length=len(content)),
        ),
    )  # fmt: skip


def _job(tenant: Tenant) -> int:
    from taskmanager.imports import services as imports

    project = _project_row(tenant)
    return _built(tenant, lambda actor: imports.start_export(actor=actor, project=project))


def _personal_token(tenant: Tenant) -> int:
    from taskmanager.api import personal_tokens

    name = f"{tenant.marker} token"
    return _built(
        tenant, lambda actor: personal_tokens.create_personal_token(user=actor.user, name=name)[0]
    )


def _checklist_item(tenant: Tenant) -> int:
    from taskmanager.checklists import services as checklists
    from taskmanager.checklists.schemas import ChecklistItemCreate
    from taskmanager.tasks.models import Task

    task_id = tenant["task_id"]
    return _built(
        tenant,
        lambda actor: checklists.add_item(
            actor=actor, task=db.session.get(Task, task_id),
            data=ChecklistItemCreate(title=f"{tenant.marker} step"),
        ),
    )  # fmt: skip


def _dependency(tenant: Tenant) -> int:
    from taskmanager.dependencies import services as dependencies
    from taskmanager.tasks.models import Task
    from tests.factories import make_task

    blocker = tenant["task_id"]
    waiting = make_task(
        tenant.app, _project_row(tenant), tenant.owner, title=f"{tenant.marker} next"
    )
    return _built(
        tenant,
        lambda actor: dependencies.add_dependency(
            actor=actor, blocker=db.session.get(Task, blocker),
            blocked=db.session.get(Task, waiting.id),
        ),
    )  # fmt: skip


def _row(tenant: Tenant, make: Callable[[], Any]) -> int:
    """A row ``make`` returns, added and committed as is, with every tenant visible."""
    with tenant.app.app_context(), tenancy.system():
        row = make()
        db.session.add(row)
        db.session.commit()
        return int(row.id)


def _saved_view(tenant: Tenant) -> int:
    from taskmanager.savedviews import services as views
    from taskmanager.savedviews.schemas import SavedViewIn

    project = _project_row(tenant)
    data = SavedViewIn(name=f"{tenant.marker} view", shared=True)
    return _built(tenant, lambda actor: views.create_view(actor=actor, project=project, data=data))


def _webhook(tenant: Tenant) -> int:
    from taskmanager.webhooks.models import WebhookEndpoint

    return _row(
        tenant,
        lambda: WebhookEndpoint(
            organization_id=tenant.org.id, url=f"https://{tenant.marker.lower()}.example/hook",
            description=f"{tenant.marker} hook", events=["task.created"],
            secret=f"whsec_{tenant.marker}", created_by_id=tenant.owner.id,
        ),
    )  # fmt: skip


def _delivery(tenant: Tenant) -> int:
    from taskmanager.webhooks.models import WebhookDelivery

    endpoint_id = tenant["endpoint_id"]
    return _row(
        tenant,
        lambda: WebhookDelivery(
            organization_id=tenant.org.id, endpoint_id=endpoint_id,
            message_id=f"msg_{tenant.marker}", event_type="task.created",
            body=f'{{"title": "{tenant.marker}"}}', state="failed",
        ),
    )  # fmt: skip


def _notification(tenant: Tenant) -> int:
    from taskmanager.notifications.models import Notification

    task_id = tenant["task_id"]
    return _row(
        tenant,
        lambda: Notification(
            organization_id=tenant.org.id, key=f"{tenant.marker}-note", user_id=tenant.owner.id,
            kind="assigned", task_id=task_id, excerpt=f"{tenant.marker} note",
        ),
    )  # fmt: skip


def _data_export(tenant: Tenant) -> int:
    from taskmanager.mydata.models import DataExport

    return _row(tenant, lambda: DataExport(user_id=tenant.owner.id))


# URL parameter name -> how to build one such object in a tenant (its id, or slug).
KINDS: dict[str, Callable[[Tenant], Any]] = {
    "org_id": lambda tenant: tenant.org.id,
    "slug": lambda tenant: tenant.org.slug,
    "user_id": lambda tenant: (tenant.member or tenant.owner).id,
    "project_id": _project,
    "label_id": _label,
    "task_id": _task,
    "comment_id": _comment,
    "invitation_id": _invitation,
    "attachment_id": _attachment,
    "job_id": _job,
    "token_id": _personal_token,
    "view_id": _saved_view,
    "item_id": _checklist_item,
    "link_id": _dependency,
    "endpoint_id": _webhook,
    "delivery_id": _delivery,
    "notification_id": _notification,
    "export_id": _data_export,
}
# Query parameters that name an object of a kind above.
QUERY_KINDS = {
    "org_id": "org_id",
    "project_id": "project_id",
    "assignee": "user_id",
    "label": "label_id",
}
# Parameters that name no tenant object; a value that routes is enough.
PLAIN = {
    "token": "not-a-real-token",
    "filename": "missing.css",
    "export_type": "csv",
    "name": "missing.eml",
    "status": "todo",  # a board column
    "cell": "status",  # a task row's cell, edited in place
}


def plain_values(route: Route) -> dict[str, Any]:
    return {name: PLAIN[name] for name in route.arguments if name in PLAIN}


def unknown_arguments(route: Route) -> set[str]:
    return set(route.arguments) - set(KINDS) - set(PLAIN)


# --- every row of every table -------------------------------------------------------

# Columns a request may touch without changing anything a user owns, with the reason.
VOLATILE = {
    ("login_sessions", "last_seen_at"): "the session's last activity, refreshed by any request",
    ("login_sessions", "ip_address"): "the session's last address, refreshed by any request",
    ("login_sessions", "user_agent"): "the session's last browser, refreshed by any request",
}


def snapshot(app: Flask) -> dict[str, list[str]]:
    """Every table's rows (volatile columns left out), sorted: equal means unchanged."""
    rows: dict[str, list[str]] = {}
    with app.app_context(), tenancy.system():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in VOLATILE]
            found = db.session.execute(select(*columns)).all()
            rows[table.name] = sorted(repr(tuple(row)) for row in found)
    return rows


def fingerprint(app: Flask) -> dict[str, list[str]]:
    """A digest of every table's rows (volatile columns left out), in one statement.

    Cheaper than ``snapshot`` when called around every request; ``changes`` of two
    fingerprints names the tables that changed. PostgreSQL only (the main suite's).
    """
    from sqlalchemy import text

    parts = []
    for table in db.metadata.sorted_tables:
        drop = "".join(f" - '{c}'" for (t, c) in VOLATILE if t == table.name)
        row = f"(to_jsonb(t){drop})::text"
        parts.append(
            f"SELECT '{table.name}' AS name, md5(coalesce(string_agg({row}, ',' "
            f"ORDER BY {row}), '')) AS digest FROM \"{table.name}\" t"
        )
    with app.app_context():
        found = db.session.execute(text(" UNION ALL ".join(parts))).all()
    return {str(name): [str(digest)] for name, digest in found}


def changes(before: dict[str, list[str]], after: dict[str, list[str]]) -> dict[str, Any]:
    """What differs between two snapshots, by table: rows gone and rows new."""
    found = {}
    for table in sorted(set(before) | set(after)):
        old, new = set(before.get(table, [])), set(after.get(table, []))
        if old != new:
            found[table] = {"gone": sorted(old - new)[:3], "new": sorted(new - old)[:3]}
    return found


# --- request bodies from the OpenAPI document --------------------------------------


class Spec:
    """The app's OpenAPI document, and the smallest valid body of each operation."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def operation(self, route: Route) -> dict[str, Any]:
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", route.rule)
        found: dict[str, Any] = self.document["paths"].get(path, {}).get(route.method.lower(), {})
        return found

    def query_ids(self, route: Route) -> list[str]:
        """The query parameters of ``route`` that name an object of a known kind."""
        parameters = self.operation(route).get("parameters", [])
        return [p["name"] for p in parameters if p["in"] == "query" and p["name"] in QUERY_KINDS]

    def body(self, route: Route) -> dict[str, Any]:
        """Keyword arguments for the test client: a minimal valid body, or none."""
        content = self.operation(route).get("requestBody", {}).get("content", {})
        if "application/json" in content:
            return {"json": self.instance(content["application/json"]["schema"])}
        if "multipart/form-data" in content:
            schema = self.resolve(content["multipart/form-data"]["schema"])
            data = {}
            for name in schema.get("required", []):
                prop = self.resolve(schema["properties"][name])
                data[name] = (
                    (_io(b"title\nplanted\n"), "file.csv")
                    if prop.get("format") == "binary"
                    else self.instance(prop)
                )
            return {"data": data, "content_type": "multipart/form-data"}
        return {}

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            node: Any = self.document
            for part in schema["$ref"].lstrip("#/").split("/"):
                node = node[part]
            schema = node
        return schema

    def instance(self, schema: dict[str, Any]) -> Any:
        """The smallest value ``schema`` accepts: required properties only, minimal sizes."""
        schema = self.resolve(schema)
        if "example" in schema:
            return schema["example"]
        if "enum" in schema:
            return schema["enum"][0]
        for key in ("anyOf", "oneOf"):
            if key in schema:
                options = [self.resolve(s) for s in schema[key]]
                usable = [s for s in options if s.get("type") != "null"] or options
                return self.instance(usable[0])
        if "allOf" in schema:
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                merged.update(self.resolve(part))
            return self.instance(merged)
        kind = schema.get("type", "object")
        if kind == "object":
            properties = schema.get("properties", {})
            return {name: self.instance(properties[name]) for name in schema.get("required", [])}
        if kind == "array":
            return [self.instance(schema.get("items", {}))] * schema.get("minItems", 0)
        if kind == "integer":
            return max(schema.get("minimum", 1), 1)
        if kind == "number":
            return float(schema.get("minimum", 1))
        if kind == "boolean":
            return False
        return _string(schema)


def _string(schema: dict[str, Any]) -> str:
    formats = {
        "email": "someone@example.com",
        "date": "2030-01-01",
        "date-time": "2030-01-01T00:00:00Z",
        "uri": "https://example.com/",
    }
    if schema.get("format") in formats:
        return formats[schema["format"]]
    shortest = max(schema.get("minLength", 1), 1)
    if "pattern" in schema:
        return _matching(schema["pattern"], shortest, schema.get("maxLength"))
    return "x" * shortest


# Plain strings tried against a pattern before asking hypothesis: each matrix sends a
# body to every API write, and hypothesis's find (generate, then shrink to the
# smallest) cost 2-7 s a call under load, 40 s of each isolation role's 60.
_PLAIN_CANDIDATES = ("someone@example.com", "https://example.com/")


@functools.cache
def _matching(pattern: str, shortest: int, longest: int | None) -> str:
    """A short string that ``pattern`` matches whole, within the length bounds."""
    sizes = range(shortest, shortest + 33)
    for candidate in (*(char * size for size in sizes for char in "x0"), *_PLAIN_CANDIDATES):
        fits = shortest <= len(candidate) <= (longest or len(candidate))
        if fits and re.fullmatch(pattern, candidate):
            return candidate
    from hypothesis import find
    from hypothesis import strategies

    return str(find(strategies.from_regex(pattern, fullmatch=True), lambda s: True))


def _io(content: bytes) -> Any:
    import io

    return io.BytesIO(content)


def cases(app: Flask, check: str) -> Iterator[Route]:
    """The routes ``check`` applies to (not exempt)."""
    for route in routes(app):
        if exemption(route.endpoint, check) is None:
            yield route
