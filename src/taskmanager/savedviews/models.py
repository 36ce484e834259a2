from __future__ import annotations

from typing import Any

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from taskmanager.accounts.models import User
from taskmanager.db import TimestampMixin
from taskmanager.extensions import Model
from taskmanager.projects.models import Project
from taskmanager.tenancy import TenantScoped


class SavedView(Model, TenantScoped, TimestampMixin):
    """A named filter and sort of one project's list or board.

    ``filters`` is stored as the JSON of ``schemas.ViewFilters`` but read back
    leniently (``schemas.read_filters``): a value that no longer validates, such as
    a field a later version dropped, is left out rather than breaking the page.
    """

    __tablename__ = "saved_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    shared: Mapped[bool] = mapped_column(default=False)
    layout: Mapped[str] = mapped_column(String(8), default="list")
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(default=1)

    project: Mapped[Project] = relationship(lazy="joined", innerjoin=True)
    owner: Mapped[User] = relationship(lazy="joined", innerjoin=True)
