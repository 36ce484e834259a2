"""The wire format of the history (activity entries)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from taskmanager.accounts.schemas import UserRef
from taskmanager.schemas import Out


class ActivityOut(Out):
    id: int
    actor: UserRef | None
    verb: str
    subject_type: str
    subject_id: int
    subject_title: str
    task_id: int | None
    changes: dict[str, Any]
    created_at: datetime
