"""Schemathesis over the whole API: seed data, a bearer token, one run, its figures.

Used by the bounded run in ``make test`` (tests/api/test_schema_fuzz.py) and by the
long campaign of ``make fuzz`` (scripts/fuzz.py). Both test whatever operations the
OpenAPI document lists, in-process (WSGI) or over HTTP, with every phase (examples,
coverage, fuzzing, stateful) and every check that applies to this API; they differ
only in budget.

The fuzzer needs committed rows to aim at: path ids hit real objects (a task with a
label, an assignee and a comment) as well as missing ones. Its bearer token is a real
access token of a real user, minted again every few minutes and after any 401, so a
long campaign outlives the 15-minute tokens.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import schemathesis
from flask import Flask
from schemathesis.engine import Status
from schemathesis.engine import events
from schemathesis.engine import from_schema
from schemathesis.schemas import BaseSchema
from schemathesis.transport.wsgi import WSGI_TRANSPORT

from taskmanager import tenancy
from taskmanager.api import tokens
from taskmanager.extensions import db
from taskmanager.orgs import invitations
from taskmanager.orgs.schemas import InvitationIn
from taskmanager.orgs.services import member
from taskmanager.tasks import comments
from taskmanager.tasks.models import Task
from taskmanager.tasks.schemas import CommentFields
from tests.factories import PASSWORD
from tests.factories import add_member
from tests.factories import make_label
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task
from tests.factories import make_user

SPEC_PATH = "/api/v1/openapi.json"

# Checks that apply to this API. Left out: max_response_time (speed is measured by
# benchmarks, never asserted); object_level_authorization (needs a second identity
# per request; tests/security/test_isolation_matrix.py is the tenant-isolation
# matrix). positive_data_acceptance is added by STRICT_CHECKS, below.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
)


@dataclass(frozen=True)
class Seed:
    """What the fuzzer's user owns: ids of one of each object, all committed."""

    email: str
    user_id: int
    org_id: int
    project_id: int
    label_id: int
    task_id: int
    comment_id: int
    invitation_id: int


def seed(app: Flask) -> Seed:
    """Commit an owner with an org, a teammate, a project, a label, a task, a comment."""
    owner = make_user(app, name="Fuzz Owner")
    teammate = make_user(app, name="Fuzz Teammate")
    org = make_org(app, owner, name="Fuzz Org")
    add_member(app, org, teammate, "member")
    project = make_project(app, org, name="Fuzz project")
    label = make_label(app, org, name="fuzz")
    task = make_task(
        app, project, owner, title="Fuzz task", label_ids=[label.id], assignee_id=teammate.id
    )
    with app.test_request_context(), tenancy.system():
        actor = member(org.id, owner.id)
        comment = comments.add_comment(
            actor=actor, task=db.session.get(Task, task.id), data=CommentFields(body="A comment")
        )
        invitation = invitations.invite(actor=actor, data=InvitationIn(email="guest@example.com"))
        comment_id, invitation_id = comment.id, invitation.id
    return Seed(
        email=owner.email,
        user_id=owner.id,
        org_id=org.id,
        project_id=project.id,
        label_id=label.id,
        task_id=task.id,
        comment_id=comment_id,
        invitation_id=invitation_id,
    )


# Both runs (scripts/fuzz.py, tests/api/test_schema_fuzz.py) add this one: every
# schema-valid request is accepted (2xx, or 401/403/404/409/429), so the document may
# promise nothing the server then refuses with a 400. 422 is the API's answer to a
# body the document allows and a rule it cannot state refuses (errors.Unprocessable:
# a name typed back, the current password, a cursor this server signed), each
# documented on its operation: accepted here as the document's honest "it depends".
STRICT_CHECKS = (*CHECKS, "positive_data_acceptance")
# 402 too: a plan's limit (the 4th active project on Free) is the organization's state.
ACCEPTED = ["2xx", "3xx", "401", "402", "403", "404", "409", "412", "422", "429", "5xx"]
# What refuses schema-violating data: schemathesis's list, plus 414, gunicorn's (and
# nginx's) answer to a request line past its limit, before the app sees it.
REFUSED = ["400", "401", "403", "404", "405", "406", "409", "414", "415", "422", "428", "429"]
REFUSED += ["5xx"]
# 412 too: a stale If-Match refuses the request before its body is read (RFC 9110
# evaluates preconditions before processing the content), so bad data sent with one is
# refused all the same. Seen once in a full run: PATCH /views/{id} {"shared": 0}.
REFUSED += ["412"]
# The follow state of a task (GET, PUT, DELETE /tasks/{id}/watch) is a singleton that
# reads {"watching": false} after DELETE, by design: use_after_free expects a 404.
SINGLETONS = {"include-path-regex": "/tasks/\\{task_id\\}/watch$"}


def config(
    *,
    max_examples: int,
    max_steps: int,
    seed_value: int = 20240611,
    checks: tuple[str, ...] = CHECKS,
) -> schemathesis.Config:
    """All phases, the ``checks`` named, reproducible: the same seed draws the same cases."""
    generation = {
        "mode": "all",
        "max-examples": max_examples,
        "deterministic": True,
        "database": "none",
    }
    return schemathesis.Config.from_dict(
        {
            "seed": seed_value,
            "suppress-health-check": ["all"],
            "generation": generation,
            "checks": {name: {"enabled": True} for name in checks}
            | {"enabled": False}
            | {"negative_data_rejection": {"enabled": True, "expected-statuses": REFUSED}}
            | (
                # A stale If-Match is the resource's state, not bad data: 412, as 409.
                {"positive_data_acceptance": {"enabled": True, "expected-statuses": ACCEPTED}}
                if "positive_data_acceptance" in checks
                else {}
            ),
            "operations": [{**SINGLETONS, "checks": {"use_after_free": {"enabled": False}}}],
            "phases": {
                "examples": {"enabled": True, "fill-missing": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {
                    "enabled": True,
                    "max-steps": max_steps,
                    "inference": {"algorithms": ["location-headers", "dependency-analysis"]},
                },
            },
        }
    )


def use_bearer_token(schema: BaseSchema, app: Flask, email: str) -> None:
    """Send a fresh access token of ``email``'s account with every request."""

    class Bearer:
        def get(self, case: schemathesis.Case, ctx: schemathesis.AuthContext) -> str:
            with app.app_context():
                return tokens.sign_in(email=email, password=PASSWORD).access_token

        def set(self, case: schemathesis.Case, data: str, ctx: schemathesis.AuthContext) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    # Access tokens live 15 minutes; a new one every 5, and at once after a 401.
    schema.auth(refresh_interval=300)(Bearer)


def _in_process_probes_without_network_options() -> None:
    """Let checks that re-send a request without credentials reach a WSGI app.

    schemathesis 4.32's ``ignored_auth`` probe drops the HTTP session but keeps the
    socket options (``max_redirects``, ``verify``...), which its WSGI transport only
    strips when a session is present, and Werkzeug's test client refuses them.
    """
    transport = WSGI_TRANSPORT
    if getattr(transport, "_taskmanager_patched", False):
        return
    send = transport.send

    def send_in_process(case: schemathesis.Case, **kwargs: Any) -> Any:
        if kwargs.get("session") is None:
            for name in ("max_redirects", "verify", "cert", "proxies"):
                kwargs.pop(name, None)
        return send(case, **kwargs)

    transport.send = send_in_process  # type: ignore[method-assign]
    transport._taskmanager_patched = True  # type: ignore[attr-defined]


@dataclass
class Outcome:
    """What a run did: requests by operation and status, and every failure, described."""

    requests: int = 0
    statuses: collections.Counter[int] = field(default_factory=collections.Counter)
    operations: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures and not self.errors

    def report(self, title: str) -> str:
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items()))
        lines = [
            f"{title}: {self.requests} requests to {len(self.operations)} operations in "
            f"{self.seconds:.0f}s, {len(self.failures)} failures, {len(self.errors)} errors",
            f"  statuses: {statuses}",
        ]
        lines += [f"  FAILURE {text}" for text in self.failures]
        lines += [f"  ERROR {text}" for text in self.errors]
        return "\n".join(lines)


def _failures(event: events.ScenarioFinished) -> Iterable[str]:
    recorder = event.recorder
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.status != Status.FAILURE or check.failure_info is None:
                continue
            failure = check.failure_info.failure
            response = recorder.find_response(case_id=case_id)
            answer = ""
            if response is not None:
                answer = f"    answer: {response.status_code} {response.content[:300]!r}\n"
            yield (
                f"[{event.phase.value}] {failure.operation or recorder.label} {check.name}: "
                f"{failure.title}: {failure.message.strip()}\n{answer}"
                f"    reproduce: {check.failure_info.code_sample}"
            )


def run(schema: BaseSchema) -> Outcome:
    """Run every phase of ``schema``'s config against its app or base URL."""
    outcome = Outcome()
    _in_process_probes_without_network_options()

    def count(ctx: schemathesis.HookContext, case: schemathesis.Case, response: Any) -> None:
        outcome.requests += 1
        outcome.statuses[response.status_code] += 1
        outcome.operations.add(case.operation.label)

    schema.hooks.register_hook_with_name(count, "after_call")
    started = time.monotonic()
    seen: set[str] = set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.status == Status.FAILURE:
            for text in _failures(event):
                # Hypothesis replays a failing case while shrinking; report it once.
                if text not in seen:
                    seen.add(text)
                    outcome.failures.append(text)
        elif isinstance(event, events.NonFatalError):
            outcome.errors.append(f"[{event.phase}] {event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            outcome.errors.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            outcome.failures += [f"after run: {f.title}: {f.message}" for f in event.failures]
    outcome.seconds = time.monotonic() - started
    return outcome
