"""The Celery entry point: ``celery -A taskmanager.worker worker`` (and ``beat``).

Builds the Flask app so every job runs in its app context (see jobs.FlaskTask).
"""

from taskmanager import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
