"""Your data through the API: export it, fetch the archive, delete the account."""

from __future__ import annotations

import json
from typing import Any

from apiflask import APIBlueprint

from taskmanager.api.bearer import bearer
from taskmanager.api.bearer import caller
from taskmanager.api.bearer import who
from taskmanager.api.http import created
from taskmanager.api.http import responses
from taskmanager.mydata import services
from taskmanager.mydata.schemas import AccountDelete
from taskmanager.mydata.schemas import Archive
from taskmanager.mydata.schemas import ExportOut

bp = APIBlueprint("api_mydata", __name__, url_prefix="/api/v1", tag="Your data")


@bp.post("/me/export")
@bp.auth_required(bearer)
@bp.output(ExportOut, status_code=202)
@bp.doc(
    summary="Ask for an archive of everything you own or wrote",
    description="Built by a background job; when ready, you are emailed a link. Poll "
    "`GET /me/export/{export_id}` for its state. An export still being built is "
    "returned instead of starting another.",
    responses=responses(status=202, headers=["Location"]),
)
def request_export() -> Any:
    export = services.request_export(user=caller())
    return ExportOut.model_validate(export), 202, created(f"/api/v1/me/export/{export.id}")


@bp.get("/me/export/<int:export_id>")
@bp.auth_required(bearer)
@bp.output(ExportOut)
@bp.doc(summary="The state of one of your exports", responses=responses(404))
def export_status(export_id: int) -> Any:
    return ExportOut.model_validate(services.get_export(user=who(), export_id=export_id))


@bp.get("/me/export/<int:export_id>/archive")
@bp.auth_required(bearer)
@bp.output(Archive, description="The archive (JSON)")
@bp.doc(
    summary="Download a finished export's archive",
    description="An export still being built is 409: poll its state first.",
    responses=responses(404, 409),
)
def export_archive(export_id: int) -> Any:
    export = services.ready_export(user=who(), export_id=export_id)
    return Archive.model_validate(json.loads(export.archive or "{}"))


@bp.delete("/me")
@bp.auth_required(bearer)
@bp.input(AccountDelete, arg_name="data")
@bp.output({}, status_code=204)
@bp.doc(
    summary="Delete your account (confirm with your password)",
    description="Your tasks, comments and history stay with your organizations, shown as "
    'written by "deleted user"; every session and token of yours stops working. The '
    "last owner of an organization gets 409 naming it: transfer or delete it first. A "
    "wrong password is 422.",
    responses=responses(409, 422),
)
def delete_me(data: AccountDelete) -> tuple[str, int]:
    services.delete_account(user=caller(), password=data.password)
    return "", 204
