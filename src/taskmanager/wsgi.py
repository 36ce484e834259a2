"""The WSGI entry point for servers: ``gunicorn taskmanager.wsgi:app``.

The one module besides worker.py that builds an app when imported: servers need a
module-level callable. Nothing else imports it.
"""

from taskmanager import create_app

app = create_app()
