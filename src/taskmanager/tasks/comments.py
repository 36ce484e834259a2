"""Comments on tasks: members write, authors (and admins) edit or delete."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select

from taskmanager.activity import services as activity
from taskmanager.concurrency import check_version
from taskmanager.errors import Forbidden
from taskmanager.errors import NotFound
from taskmanager.extensions import db
from taskmanager.notifications import services as notify
from taskmanager.orgs.models import Membership
from taskmanager.policy import Action
from taskmanager.policy import can
from taskmanager.policy import require
from taskmanager.tasks.models import Comment
from taskmanager.tasks.models import Task
from taskmanager.tasks.schemas import CommentFields


def comments_query(task: Task) -> Select[Comment]:
    """A task's comments, oldest first."""
    return (
        select(Comment).where(Comment.task_id == task.id).order_by(Comment.created_at, Comment.id)
    )


def list_comments(task: Task) -> list[Comment]:
    return list(db.session.scalars(comments_query(task)))


def counts(task_ids: Iterable[int]) -> dict[int, int]:
    """How many comments each task has, in one query."""
    ids = list(task_ids)
    if not ids:
        return {}
    query = (
        select(Comment.task_id, func.count())
        .where(Comment.task_id.in_(ids))
        .group_by(Comment.task_id)
    )
    return {task_id: count for task_id, count in db.session.execute(query)}


def get_comment(organization_id: int, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.organization_id != organization_id:
        raise NotFound("No such comment.")
    return comment


def add_comment(*, actor: Membership, task: Task, data: CommentFields) -> Comment:
    require(actor.role, Action.WRITE_TASKS)
    comment = Comment(
        organization_id=task.organization_id, task_id=task.id, author_id=actor.user_id,
        body=data.body,
    )  # fmt: skip
    db.session.add(comment)
    db.session.flush()
    activity.record(
        organization_id=task.organization_id, actor=actor.user, verb="comment.added",
        subject_type="comment", subject_id=comment.id, subject_title=task.title, task_id=task.id,
    )  # fmt: skip
    notify.comment_added(comment=comment, task=task, actor=actor.user)
    db.session.commit()
    return comment


def require_may_change(actor: Membership, comment: Comment) -> None:
    """Raise Forbidden unless ``actor`` wrote ``comment`` or may moderate."""
    require(actor.role, Action.WRITE_TASKS)
    if comment.author_id != actor.user_id and not can(actor.role, Action.DELETE_ANY_TASK):
        raise Forbidden("Only the author or an admin can change this comment.")


def update_comment(
    *, actor: Membership, comment: Comment, data: CommentFields,
    expected_version: int | None = None,
) -> Comment:  # fmt: skip
    """Replace the body; a real change marks the comment edited and bumps its version.

    Raises:
        StaleVersion: ``expected_version`` is not the comment's current version.
    """
    require_may_change(actor, comment)
    check_version(comment, expected_version, noun="comment")
    if data.body != comment.body:
        comment.body = data.body
        comment.edited = True
        comment.version += 1
    db.session.commit()  # also releases the row lock when nothing changed
    return comment


def delete_comment(
    *, actor: Membership, comment: Comment, expected_version: int | None = None
) -> None:
    """Delete a comment.

    Raises:
        StaleVersion: ``expected_version`` is not the comment's current version.
    """
    require_may_change(actor, comment)
    check_version(comment, expected_version, noun="comment")
    db.session.delete(comment)
    db.session.commit()
