"""The staff admin at /admin (Flask-Admin), invisible to everyone but staff."""

from __future__ import annotations

from flask import Flask
from flask import abort
from flask import request
from flask_admin import Admin
from flask_admin.menu import MenuLink
from flask_admin.theme import Bootstrap4Theme

from taskmanager.accounts.models import User
from taskmanager.admin import views
from taskmanager.admin.models import StaffAction
from taskmanager.billing.models import ProcessedWebhookEvent
from taskmanager.extensions import db
from taskmanager.imports.models import Job
from taskmanager.mail.models import OutboundEmail
from taskmanager.orgs.models import Organization
from taskmanager.schedule import ScheduleRun
from taskmanager.tasks.models import Task


def _csp_nonce() -> str:
    # flask-talisman puts the request's nonce here; Flask-Admin stamps it on its scripts.
    return str(getattr(request, "csp_nonce", ""))


def init_app(app: Flask) -> Admin:
    admin = Admin(
        app,
        name="TaskManager staff",
        url="/admin",
        index_view=views.Dashboard(name="Dashboard", url="/admin"),
        theme=Bootstrap4Theme(),
        csp_nonce_generator=_csp_nonce,
    )
    session = db
    admin.add_view(views.UserAdmin(User, session, name="Users"))
    admin.add_view(views.OrganizationAdmin(Organization, session, name="Organizations"))
    admin.add_view(views.TaskAdmin(Task, session, name="Tasks"))
    admin.add_view(views.WebhookEventAdmin(ProcessedWebhookEvent, session, name="Webhook events"))
    admin.add_view(views.EmailAdmin(OutboundEmail, session, name="Emails", category="Operations"))
    admin.add_view(views.JobAdmin(Job, session, name="Job runs", category="Operations"))
    admin.add_view(
        views.ScheduleRunAdmin(ScheduleRun, session, name="Schedules", category="Operations")
    )
    admin.add_view(
        views.StaffActionAdmin(StaffAction, session, name="Staff actions", category="Operations")
    )
    admin.add_link(MenuLink(name="Back to TaskManager", url="/dashboard"))
    names = frozenset(view.blueprint.name for view in admin._views)

    def _staff_only() -> None:
        # One gate for every admin URL, its static files included: 404 as if /admin
        # did not exist. Each view also refuses on its own (is_accessible).
        if request.blueprint in names and not views.is_staff():
            abort(404)

    # First of all before-request checks: a CSRF refusal (400) to a stranger's POST
    # would tell them /admin exists.
    app.before_request_funcs.setdefault(None, []).insert(0, _staff_only)

    for name in names:
        # Pages, not API: keep them out of the OpenAPI document.
        app.blueprints[name].enable_openapi = False  # type: ignore[attr-defined]
    return admin
