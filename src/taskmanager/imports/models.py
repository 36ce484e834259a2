from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from taskmanager.db import utcnow
from taskmanager.extensions import Model
from taskmanager.tenancy import TenantScoped


class Job(Model, TenantScoped):
    """A long piece of work a person started and watches: its state and progress."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "import" or "export"
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # queued -> running -> done | failed; see imports/claims.py for who may move it.
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    input: Mapped[str | None] = mapped_column(Text)  # the uploaded CSV, for imports
    output: Mapped[str | None] = mapped_column(Text)  # the produced CSV, for exports
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # The last sign of life: the (re)publish while queued, each committed batch while
    # running. A sweep publishes again a job whose heartbeat is too old.
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Claims so far (failing the job adds one more): the fencing token of the current claim.
    attempts: Mapped[int] = mapped_column(default=0)

    @property
    def percent(self) -> int:
        return (
            100
            if self.total == 0 and self.state == "done"
            else int(100 * self.done / max(self.total, 1))
        )
