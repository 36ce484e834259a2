"""What each kind of notification says, and which preference turns its email off."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    preference: str  # the User attribute that, when false or 0, means "no email"
    unsubscribe: str  # its one-click opt-out (unsubscribe.KINDS)
    template: str  # email/<template>.txt and .html
    subject: str  # the email's subject: str.format(actor=..., title=...)
    headline: str  # the in-app line above the task's title: str.format(actor=...)


KINDS: dict[str, Kind] = {
    "assigned": Kind(
        "notify_assigned", "assigned", "assigned",
        "{actor} assigned you: {title}", "{actor} assigned you",
    ),
    "mentioned": Kind(
        "notify_mentions", "mentions", "mention",
        "{actor} mentioned you on {title}", "{actor} mentioned you",
    ),
    "commented": Kind(
        "notify_watching", "watching", "comment",
        "{actor} commented on {title}", "{actor} commented",
    ),
    "completed": Kind(
        "notify_watching", "watching", "completed",
        "{actor} completed {title}", "{actor} marked it done",
    ),
    # A task this one was blocked by is done (dependencies.notices): it is about the
    # assignee's own work, so their assignment preference decides the email.
    "unblocked": Kind(
        "notify_assigned", "assigned", "blocker_done",
        "Unblocked: {title}", "No longer blocked",
    ),
    "still_blocked": Kind(
        "notify_assigned", "assigned", "blocker_done",
        "Still blocked: {title}", "One blocker done, others remain",
    ),
    "due_soon": Kind("reminder_hours", "reminders", "reminder", "Due soon: {title}", "Due soon"),
}  # fmt: skip


def headline(kind: str, actor_name: str | None) -> str:
    """The in-app line for an item: "Ana assigned you"; "Someone" for a deleted actor."""
    spec = KINDS.get(kind)
    if spec is None:
        return "Update"
    return spec.headline.format(actor=actor_name or "Someone")
