"""Extension objects, created unbound; ``create_app`` binds each with ``init_app``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from taskmanager.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
mail = Mail()
csrf = CSRFProtect()
# Flask-Limiter and flask-talisman keep per-app settings on their own objects, so
# each app makes its own (rate_limits.py, security_headers.py).

# Models subclass ``Model``: Flask-SQLAlchemy's class at run time, our typed base for mypy.
if TYPE_CHECKING:
    from taskmanager.db import Base as Model
else:
    Model = db.Model
