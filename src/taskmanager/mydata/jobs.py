"""The export job: builds a person's archive once, then emails them the link."""

from __future__ import annotations

import json
from datetime import timedelta

from celery import shared_task
from flask import current_app
from flask import render_template
from sqlalchemy import select

from taskmanager.accounts.models import User
from taskmanager.db import utcnow
from taskmanager.extensions import db
from taskmanager.mail.services import queue_email
from taskmanager.mydata import archive
from taskmanager.mydata import tokens
from taskmanager.mydata.models import DataExport


@shared_task
def build_export(*, export_id: int) -> str:
    """Build export ``export_id`` unless it is already built (a redelivery does nothing)."""
    export = db.session.scalar(
        select(DataExport).where(DataExport.id == export_id).with_for_update()
    )
    if export is None or export.state != "queued":
        db.session.rollback()
        return "nothing to do"
    user = db.session.get(User, export.user_id)
    if user is None:
        return "no user"
    export.archive = json.dumps(archive.build(user.id), ensure_ascii=False, indent=1)
    export.state = "done"
    export.finished_at = utcnow()
    seconds = int(current_app.config["DATA_EXPORT_LINK_SECONDS"])
    export.expires_at = export.finished_at + timedelta(seconds=seconds)
    queue_email(
        to=user.email, subject="Your TaskManager data is ready to download",
        text=render_template(
            "email/data_export_ready.txt", user=user, link=tokens.download_link(export),
            expires_at=export.expires_at,
        ),
        key=f"data-export:{export.id}",
    )  # fmt: skip
    db.session.commit()
    return "done"
