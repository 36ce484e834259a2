"""The application factory: the one place that wires configuration, extensions and views."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import Any

from apiflask import APIFlask
from werkzeug.middleware.proxy_fix import ProxyFix

from taskmanager import api
from taskmanager import cli
from taskmanager import config as config_module
from taskmanager import errors
from taskmanager import guards
from taskmanager import health
from taskmanager import links
from taskmanager import observability
from taskmanager import prepared
from taskmanager import rate_limits
from taskmanager import security_headers
from taskmanager import static_files
from taskmanager import templating
from taskmanager.accounts import security as account_security
from taskmanager.accounts import sessions
from taskmanager.accounts import two_factor_pages
from taskmanager.accounts.views import bp as accounts_bp
from taskmanager.activity import wording as activity_wording
from taskmanager.admin import init_app as admin_init_app
from taskmanager.api.docs import bp as api_docs_bp
from taskmanager.attachments import cleanup as attachment_cleanup  # noqa: F401 - a listener
from taskmanager.attachments import storage as attachment_storage
from taskmanager.attachments import views as attachment_views  # noqa: F401 - adds its routes
from taskmanager.billing import stripe_client
from taskmanager.billing.views import bp as billing_bp  # also adds the billing pages
from taskmanager.board import views as board_views  # noqa: F401 - adds its routes
from taskmanager.checklists import views as checklist_views  # noqa: F401 - adds its routes
from taskmanager.db import IdConverter
from taskmanager.dependencies import views as dependency_views  # noqa: F401 - adds its routes
from taskmanager.entry import manage as entry_manage  # noqa: F401 - adds its routes
from taskmanager.entry import views as entry_views  # noqa: F401 - adds its routes
from taskmanager.extensions import csrf
from taskmanager.extensions import db
from taskmanager.extensions import mail
from taskmanager.extensions import migrate
from taskmanager.imports import views as import_views  # noqa: F401 - adds its routes
from taskmanager.jobs import celery_init_app
from taskmanager.jsonprovider import OrjsonProvider
from taskmanager.mydata.views import bp as mydata_bp
from taskmanager.notifications.views import bp as notifications_bp
from taskmanager.orgs.views import bp as orgs_bp
from taskmanager.orgs.workspace import workspace
from taskmanager.pages.views import bp as pages_bp
from taskmanager.projects import views as project_views  # noqa: F401 - adds its routes
from taskmanager.recurrence import views as recurrence_views  # noqa: F401 - adds its routes
from taskmanager.savedviews.views import bp as saved_views_bp  # also adds the view pages
from taskmanager.search.views import bp as search_bp
from taskmanager.tasks import views as task_views  # noqa: F401 - adds its routes
from taskmanager.webhooks import events as webhook_events  # noqa: F401 - a listener
from taskmanager.webhooks import views as webhook_views  # noqa: F401 - adds its routes

MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")


def create_app(config: Mapping[str, Any] | None = None) -> APIFlask:
    """Build a configured TaskManager app.

    ``config`` overrides the defaults and the ``TASKMANAGER_*`` environment, which is
    how tests pick their database: ``create_app({"TESTING": True, ...})``.

    Raises:
        ConfigError: production settings are missing; the message names the variable.
    """
    app = links.App(
        __name__,
        title="TaskManager API",
        version="1.0",
        spec_path="/api/v1/openapi.json",
        # The docs page is api/docs.py: APIFlask's loads Swagger UI from a CDN the CSP blocks.
        docs_path=None,
        json_errors=False,  # errors.py answers every error, JSON under /api/ only
        instance_path=os.environ.get("TASKMANAGER_INSTANCE_PATH") or None,
    )
    # A class, not only an instance: Flask-Security subclasses the app's provider class.
    app.json_provider_class = OrjsonProvider
    app.json = OrjsonProvider(app)
    # Before any route is added: every <int:...> in a URL is a row id.
    app.url_map.converters["int"] = IdConverter
    overrides = dict(config or {})
    overrides["_EXPLICIT"] = {key: True for key in overrides}
    config_module.load(app, overrides)
    config_module.validate(app.config)
    stripe_client.init_app(app)
    os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)
    prepared.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True)
    mail.init_app(app)
    csrf.init_app(app)
    guards.init_app(app)
    rate_limits.init_app(app)
    security_headers.init_app(app)
    account_security.init_app(app)
    two_factor_pages.init_app(app)
    sessions.init_app(app)
    celery_init_app(app)
    attachment_storage.init_app(app)
    errors.init_app(app)

    health.init_app(app)
    app.register_blueprint(pages_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(orgs_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(mydata_bp)
    app.register_blueprint(billing_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(saved_views_bp)
    # Project and task pages added their routes to the workspace blueprint on import.
    app.register_blueprint(workspace)
    api.init_app(app)
    app.register_blueprint(api_docs_bp)
    admin_init_app(app)
    templating.init_app(app)
    activity_wording.init_app(app)
    static_files.init_app(app)
    cli.init_app(app)

    # Flask asks ``inspect`` whether each hook and view is a coroutine function on every
    # request (about twenty here); the answer never changes.
    app.ensure_sync = functools.lru_cache(maxsize=1024)(app.ensure_sync)  # type: ignore[method-assign]
    observability.init_app(app)
    if app.config["PROXY_COUNT"]:
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count
        )
    return app
