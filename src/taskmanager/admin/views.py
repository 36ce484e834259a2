"""Flask-Admin views for staff: read-mostly lists, actions through the services.

Every view is staff-only (anyone else gets 404, as if /admin did not exist), runs
with every tenant visible (staff look across organizations on purpose), and lists
an explicit allow-list of columns, so a password hash, TOTP secret, token hash or an
email body holding a sign-in link never reaches a page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort
from flask import flash
from flask_admin import AdminIndexView
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla import ModelView
from flask_admin.model import typefmt
from flask_security import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from markupsafe import escape
from sqlalchemy import select

from taskmanager.accounts.models import User
from taskmanager.admin import dashboard
from taskmanager.admin import services
from taskmanager.billing.usage import usage
from taskmanager.errors import Conflict
from taskmanager.extensions import db
from taskmanager.imports.models import Job
from taskmanager.mail.models import OutboundEmail
from taskmanager.orgs.services import members as members_of


def is_staff() -> bool:
    return bool(current_user.is_authenticated and current_user.active and current_user.is_staff)


class StaffOnly:
    """Staff-only, every tenant visible, forms carrying Flask-WTF's CSRF token."""

    def is_accessible(self) -> bool:
        return is_staff()

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        abort(404)

    def _run_view(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        with services.staff_scope():
            return super()._run_view(fn, *args, **kwargs)  # type: ignore[misc]


class Dashboard(StaffOnly, AdminIndexView):
    @expose("/")
    def index(self) -> str:
        series = dashboard.per_day()
        return self.render(
            "staff/dashboard.html",
            counts=dashboard.counts(),
            chart=dashboard.chart(series),
            days=dashboard.days(),
            series=series,
        )


def _when(view: Any, value: datetime, name: str) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


class ReadOnly(StaffOnly, ModelView):
    form_base_class = FlaskForm
    column_type_formatters = {**typefmt.BASE_FORMATTERS, datetime: _when}
    can_create = False
    can_edit = False
    can_delete = False
    can_export = False
    can_view_details = False
    page_size = 50


class UserAdmin(ReadOnly):
    column_list = ("id", "email", "name", "active", "is_staff", "confirmed_at", "created_at")
    column_searchable_list = ("email", "name")
    column_filters = ("active", "is_staff")
    column_default_sort = ("created_at", True)

    def _each(self, ids: list[str], act: Any, done: str) -> None:
        users = db.session.scalars(select(User).where(User.id.in_([int(i) for i in ids])))
        changed = 0
        for user in users:
            try:
                act(staff=current_user, user=user)
            except Conflict as error:
                flash(error.message, "error")
            else:
                changed += 1
        flash(f"{changed} account{'s' if changed != 1 else ''} {done}.", "success")

    @action("deactivate", "Deactivate (ends sessions and API tokens)", "Deactivate them?")
    def deactivate(self, ids: list[str]) -> None:
        self._each(ids, services.deactivate, "deactivated")

    @action("activate", "Activate")
    def activate(self, ids: list[str]) -> None:
        self._each(ids, services.activate, "activated")

    @action("resend_confirmation", "Resend the confirmation email")
    def resend_confirmation(self, ids: list[str]) -> None:
        self._each(ids, services.resend_confirmation, "sent a new confirmation email")


def _usage(view: Any, context: Any, org: Any, name: str) -> Markup:
    found = usage(org)
    parts = [
        f"{m.used}/{m.limit if m.limit is not None else '∞'} {label}"
        for label, m in (("members", found.members), ("projects", found.projects))
    ]
    return Markup("<br>").join(escape(p) for p in parts)


def _members(view: Any, context: Any, org: Any, name: str) -> Markup:
    found = members_of(org.id)
    shown = [f"{m.user.email} ({m.role})" for m in found[:5]]
    if len(found) > 5:
        shown.append(f"and {len(found) - 5} more")
    return Markup("<br>").join(escape(line) for line in shown)


class OrganizationAdmin(ReadOnly):
    column_list = (
        "id", "name", "slug", "plan", "subscription_status", "members", "usage",
        "stripe_customer_id", "last_payment_failed_at", "created_at",
    )  # fmt: skip
    column_searchable_list = ("name", "slug", "stripe_customer_id")
    column_filters = ("plan", "subscription_status")
    column_formatters = {"usage": _usage, "members": _members}
    column_default_sort = ("created_at", True)


class TaskAdmin(ReadOnly):
    column_list = ("id", "organization_id", "project_id", "title", "status", "priority",
                   "due_at", "created_at")  # fmt: skip
    column_searchable_list = ("title",)
    column_filters = ("status", "priority", "organization_id")
    column_default_sort = ("created_at", True)


class WebhookEventAdmin(ReadOnly):
    column_list = ("id", "type", "organization_id", "outcome", "created_at", "received_at")
    column_searchable_list = ("id", "type")
    column_filters = ("type", "outcome")
    column_default_sort = ("received_at", True)


class FailuresFirst(ReadOnly):
    """Lists whose failed rows come first unless another sort is chosen."""

    failed: Any = None

    def get_query(self) -> Any:
        return super().get_query().order_by(self.failed.desc(), self.model.id.desc())


class EmailAdmin(FailuresFirst):
    # Bodies hold sign-in, reset and invitation links: never shown.
    column_list = ("id", "recipient", "subject", "created_at", "sent_at", "attempts", "last_error")
    column_searchable_list = ("recipient", "subject")
    failed = OutboundEmail.last_error.is_not(None) & OutboundEmail.sent_at.is_(None)


class JobAdmin(FailuresFirst):
    column_list = ("id", "organization_id", "kind", "state", "done", "total", "attempts",
                   "created_at", "finished_at", "heartbeat_at")  # fmt: skip
    column_filters = ("state", "kind")
    failed = Job.state == "failed"


class ScheduleRunAdmin(ReadOnly):
    column_list = ("name", "last_run_at", "last_result")


class StaffActionAdmin(ReadOnly):
    column_list = ("created_at", "staff_email", "action", "target_type", "target_label")
    column_searchable_list = ("staff_email", "target_label", "action")
    column_default_sort = ("created_at", True)
