"""The "Your data" page: ask for an export, download it, delete the account."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_security import auth_required
from flask_security import current_user
from flask_security import logout_user
from sqlalchemy import select

from taskmanager.errors import Conflict
from taskmanager.errors import ValidationFailed
from taskmanager.extensions import db
from taskmanager.mydata import services
from taskmanager.mydata.models import DataExport

bp = Blueprint("mydata", __name__, url_prefix="/account")


def _page(**extra: object) -> str:
    exports = db.session.scalars(
        select(DataExport)
        .where(DataExport.user_id == current_user.id)
        .order_by(DataExport.id.desc())
        .limit(5)
    ).all()
    return render_template(
        "mydata/data.html", exports=exports, blocking=services.last_owner_of(current_user),
        **extra,
    )  # fmt: skip


@bp.get("/data")
@auth_required("session")
def data() -> str:
    return _page()


@bp.post("/data/export")
@auth_required("session")
def request_export() -> ResponseReturnValue:
    services.request_export(user=current_user)
    flash(
        "We are putting your archive together; we will email you a download link in a few minutes.",
        "success",
    )
    return redirect(url_for("mydata.data"), 303)


def _archive(export: DataExport) -> Response:
    name = f"taskmanager-data-{export.finished_at:%Y-%m-%d}.json" if export.finished_at else ""
    return Response(
        export.archive,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{name or "taskmanager-data.json"}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/data/download/<token>")
@auth_required("session")
def download(token: str) -> Response:
    return _archive(services.export_for_token(user=current_user, token=token))


@bp.get("/data/exports/<int:export_id>")
@auth_required("session")
def download_export(export_id: int) -> Response:
    return _archive(services.ready_export(user=current_user, export_id=export_id))


@bp.post("/data/delete")
@auth_required("session")
def delete_account() -> ResponseReturnValue:
    try:
        services.delete_account(user=current_user, password=request.form.get("password", ""))
    except (ValidationFailed, Conflict) as error:
        db.session.rollback()
        errors = error.details if isinstance(error, ValidationFailed) else {}
        return _page(delete_error=error.message if not errors else None, errors=errors), 422
    logout_user()
    flash(
        "Your account is deleted. What you wrote stays with your teams as “deleted user”.",
        "success",
    )
    return redirect(url_for("pages.landing"), 303)
