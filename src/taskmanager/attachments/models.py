from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from taskmanager.accounts.models import User
from taskmanager.db import utcnow
from taskmanager.extensions import Model
from taskmanager.tenancy import TenantScoped

# Shown inline (a thumbnail, a preview) only when the bytes are one of these and the
# picture is of a sane size; everything else is always a download.
RASTER_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
PREVIEW_MAX_BYTES = 20 * 1024 * 1024
PREVIEW_MAX_PIXELS = 50_000_000  # a 100,000 x 100,000 px header is no thumbnail


class Attachment(Model, TenantScoped):
    """A file on a task. The stored object is named by ``storage_key``, never by the user."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))  # sanitized, for display only
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))  # sniffed from the bytes
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None]
    height: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    uploader: Mapped[User | None] = relationship(lazy="joined")

    @property
    def previewable(self) -> bool:
        """Whether the browser may show it inline: a raster image, bounded in bytes and pixels."""
        return (
            self.content_type in RASTER_TYPES
            and self.size <= PREVIEW_MAX_BYTES
            and self.width is not None
            and self.height is not None
            and self.width * self.height <= PREVIEW_MAX_PIXELS
        )
