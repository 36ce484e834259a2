"""The wire format of quick-add and of inline edits."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from taskmanager.schemas import In

EXAMPLE = "Fix login !high #bug @ana tomorrow"


class QuickAddIn(In):
    """One line of text; the service reads its tokens (see entry/parser.py)."""

    field_messages: ClassVar[dict[str, str]] = {
        "text": f"Type a task, like: {EXAMPLE} (at most 500 characters)."
    }

    text: str = Field(
        min_length=1,
        max_length=500,
        description="A title with optional tokens: `!low`/`!normal`/`!high`/`!urgent`, "
        "`#label`, `@person` (name or email prefix, `@me`), and a due day (`today`, "
        "`tomorrow`, `friday`, `next week`, `in 3 days`, `2026-12-24`, `dec 24`) read "
        "in your time zone, due at the end of that day. Words that are no token stay in "
        "the title.",
        examples=[EXAMPLE],
    )
