"""Public and personal pages: landing, dashboard, development outbox."""
