from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from taskmanager.db import utcnow
from taskmanager.extensions import Model
from taskmanager.tenancy import TenantScoped


class Project(Model, TenantScoped):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped by every change (see services.update_project); the API's ETag. Rows that
    # predate the column start at 1, like new ones.
    version: Mapped[int] = mapped_column(default=1, server_default="1")


class Label(Model, TenantScoped):
    __tablename__ = "labels"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    color: Mapped[str] = mapped_column(String(7), default="#6c757d")
