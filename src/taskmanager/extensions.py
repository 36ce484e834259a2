"""Extension objects, created unbound; ``create_app`` binds each with ``init_app``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_mail import Mail
from flask_migrate import Migrate
from flask_security import Security
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect

from taskmanager.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
mail = Mail()
csrf = CSRFProtect()
security = Security()
talisman = Talisman()
# Storage comes from RATELIMIT_STORAGE_URI: Redis in production, memory in development.
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# Models subclass ``Model``: Flask-SQLAlchemy's class at run time, our typed base for mypy.
if TYPE_CHECKING:
    from taskmanager.db import Base as Model
else:
    Model = db.Model
