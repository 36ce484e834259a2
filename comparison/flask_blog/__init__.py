"""The blog API in Flask: Flask-SQLAlchemy, Flask-Migrate and Flask-JWT-Extended."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from comparison.flask_blog import api
from comparison.flask_blog.config import load_config
from comparison.flask_blog.errors import register_error_handlers
from comparison.flask_blog.extensions import db
from comparison.flask_blog.extensions import jwt
from comparison.flask_blog.extensions import migrate
from comparison.flask_blog.json import OrjsonProvider
from comparison.flask_blog.tokens import register_jwt_callbacks

__all__ = ["create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from the environment (see CONTRACT.md), then ``config`` on top."""
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    app.config.from_mapping(load_config())
    if config:
        app.config.from_mapping(config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).with_name("migrations")))
    jwt.init_app(app)
    register_jwt_callbacks(app, jwt)
    register_error_handlers(app)
    app.register_blueprint(api.create_blueprint())
    return app
