"""The wire format of notifications and of following a task."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from pydantic import Field

from taskmanager.accounts.schemas import UserRef
from taskmanager.notifications.inbox import Item
from taskmanager.notifications.kinds import KINDS
from taskmanager.notifications.kinds import headline
from taskmanager.schemas import Out
from taskmanager.schemas import Page
from taskmanager.schemas import PageQuery


class NotificationTask(Out):
    id: int
    title: str
    project_id: int
    organization_id: int


class NotificationOut(Out):
    id: int
    kind: str = Field(description="One of: " + ", ".join(f"`{kind}`" for kind in KINDS) + ".")
    text: str = Field(description='What happened, as the bell says it: "Ana assigned you".')
    excerpt: str = Field(description="The comment's start, for comments and mentions; or empty.")
    task: NotificationTask
    actor: UserRef | None
    created_at: datetime
    read_at: datetime | None = Field(description="Null while unread.")
    url: str = Field(description="The task's page, where the item leads.")

    @classmethod
    def of(cls, item: Item, url: str) -> NotificationOut:
        note = item.notification
        actor = note.actor
        return cls(
            id=note.id,
            kind=note.kind,
            text=headline(note.kind, actor.display_name if actor else None),
            excerpt=note.excerpt,
            task=NotificationTask.model_validate(note.task),
            actor=UserRef.model_validate(actor) if actor else None,
            created_at=note.created_at,
            read_at=note.read_at,
            url=url,
        )


class NotificationPage(Page[NotificationOut]):
    unread: int = Field(description="Unread items in all, whichever page this is.")


class NotificationQuery(PageQuery):
    unread: bool = Field(default=False, description="Only the unread items.")


class MarkedRead(BaseModel):
    marked: int = Field(description="How many items were unread and are read now.")
    unread: int = Field(description="Unread items left (0).")


class WatchOut(BaseModel):
    task_id: int
    watching: bool = Field(description="Whether I follow the task.")
    watcher_count: int = Field(description="How many members follow it.")
