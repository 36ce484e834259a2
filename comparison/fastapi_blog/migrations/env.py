"""Alembic environment: the models' metadata, the URL from DATABASE_URL."""

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine

from comparison.fastapi_blog.config import DEFAULT_DATABASE
from comparison.fastapi_blog.db import sync_url
from comparison.fastapi_blog.models import Base

if context.config.config_file_name is not None:
    fileConfig(context.config.config_file_name)

url = sync_url(os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_DATABASE}"))

if context.is_offline_mode():
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    with create_engine(url).connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()
