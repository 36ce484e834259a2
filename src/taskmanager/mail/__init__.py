"""Outgoing email: stored first, then delivered by a Celery job, at most once."""
