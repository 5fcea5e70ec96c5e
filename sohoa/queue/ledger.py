"""Reads and writes of the queue's tables: delivery counts, dead letters, status counts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from sohoa.errors import StorageError
from sohoa.queue.tables import DeadLetter, QueueDelivery, utcnow

log = logging.getLogger(__name__)

SessionFactory = Callable[[], Session]


@dataclass(frozen=True)
class DeadLetterEntry:
    """One dead-lettered dossier, as ``sohoa status`` shows it."""

    task_id: str
    source: str
    dossier_id: str | None
    error_code: str
    error: str
    attempts: int
    created_at: datetime


def _entry(row: DeadLetter) -> DeadLetterEntry:
    return DeadLetterEntry(row.task_id, row.source, row.dossier_id, row.error_code, row.error, row.attempts,
                           row.created_at)


class Ledger:
    """The queue's bookkeeping in the metadata database."""

    def __init__(self, session_factory: SessionFactory) -> None:
        self._sessions = session_factory

    def delivered(self, task_id: str, source: str) -> int:
        """Count one more delivery of ``task_id`` to a worker; return the count so far."""
        with self._tx() as session:
            row = session.get(QueueDelivery, task_id)
            if row is None:
                row = QueueDelivery(task_id=task_id, source=source, deliveries=0)
                session.add(row)
            row.deliveries += 1
            row.last_seen = utcnow()
            return row.deliveries

    def finished(self, task_id: str) -> None:
        """Forget a task that ended (stored, rejected or dead-lettered)."""
        with self._tx() as session:
            session.execute(delete(QueueDelivery).where(QueueDelivery.task_id == task_id))

    def dead_letter(self, entry: DeadLetterEntry) -> None:
        """Record a dossier the workers gave up on (once per task, whatever the redeliveries)."""
        with self._tx() as session:
            if session.scalar(select(DeadLetter.id).where(DeadLetter.task_id == entry.task_id)) is None:
                session.add(DeadLetter(**entry.__dict__))
            session.execute(delete(QueueDelivery).where(QueueDelivery.task_id == entry.task_id))
        log.error("dead-lettered %s after %d attempts: %s", entry.source, entry.attempts, entry.error_code)

    def dead_letters(self, limit: int = 100) -> list[DeadLetterEntry]:
        """The most recent dead letters, newest first."""
        with self._tx() as session:
            rows = session.scalars(select(DeadLetter).order_by(DeadLetter.id.desc()).limit(limit)).all()
            return [_entry(r) for r in rows]

    def dead_letter_count(self) -> int:
        """How many dossiers are dead-lettered."""
        with self._tx() as session:
            return int(session.scalar(select(func.count()).select_from(DeadLetter)) or 0)

    def in_flight(self) -> int:
        """How many tasks a worker has started and not yet finished (or died on)."""
        with self._tx() as session:
            return int(session.scalar(select(func.count()).select_from(QueueDelivery)) or 0)

    def dossier_counts(self) -> dict[str, int]:
        """Dossiers per status, from the storage package's ``dossiers`` table."""
        with self._tx() as session:
            rows = session.execute(text("SELECT status, COUNT(*) FROM dossiers GROUP BY status")).all()
            return {str(status): int(n) for status, n in rows}

    def _tx(self) -> _Transaction:
        return _Transaction(self._sessions)


class _Transaction:
    """A session in one transaction; database failures become ``StorageError``."""

    def __init__(self, factory: SessionFactory) -> None:
        self._factory = factory

    def __enter__(self) -> Session:
        self.session = self._factory()
        self.session.begin()
        return self.session

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is None:
                self.session.commit()
            else:
                self.session.rollback()
        except SQLAlchemyError as e:
            raise StorageError(f"queue ledger: {type(e).__name__}") from e
        finally:
            self.session.close()
        if isinstance(exc, SQLAlchemyError):
            raise StorageError(f"queue ledger: {type(exc).__name__}") from exc
