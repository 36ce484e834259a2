"""TaskManager: a multi-tenant team task manager built on Flask."""

from taskmanager.app import create_app

__all__ = ["create_app"]
