"""The queue's tables, on the storage package's one metadata (``storage.tables.Base``).

- ``queue_deliveries``: how often each task has been handed to a worker, so a dossier
  that kills its worker every time (out of memory, a crashing library) is not redelivered
  for ever; the row is removed when the task ends.
- ``dead_letters``: dossiers that kept failing, with their last error, for ``sohoa status``.

Created by the Alembic revision ``0004_queue``.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables import Base, UTCDateTime, utcnow

log = logging.getLogger(__name__)

__all__ = ["DeadLetter", "QueueDelivery", "utcnow"]


class QueueDelivery(Base):
    """One task in flight: how many times a worker has started it."""

    __tablename__ = "queue_deliveries"

    task_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    deliveries: Mapped[int] = mapped_column(Integer, default=0)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DeadLetter(Base):
    """A dossier the workers gave up on, with the error that made them."""

    __tablename__ = "dead_letters"
    __table_args__ = (Index("ix_dead_letters_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(Text)
    dossier_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error_code: Mapped[str] = mapped_column(String(32))
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
