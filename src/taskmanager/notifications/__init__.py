"""Email notifications: assignment, mentions, due-soon reminders, weekly summary."""
