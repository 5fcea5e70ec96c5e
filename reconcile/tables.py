"""Tables of reconcile/, on the one metadata of ``storage.tables.Base``.

- ``registry_rows``: the electronic vehicle registry, original values in NFC plus matching keys.
- ``population_rows``: the national population database, keyed by ID number.
- ``reconciliation_results``: per dossier and source, the verdict and the differing fields.
- ``reconciliations``: per dossier, the overall status a clerk acts on.
- ``electronic_imports``: one row per import run (counts and the malformed lines, no personal data).

The migration ``storage/migrations/versions/0002_reconcile.py`` creates the same tables.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables import Base, UTCDateTime, utcnow

log = logging.getLogger(__name__)


__all__ = [
    "ElectronicImport",
    "PopulationRow",
    "Reconciliation",
    "ReconciliationResult",
    "RegistryRow",
    "utcnow",
]


class RegistryRow(Base):
    """One row of the electronic vehicle registry."""

    __tablename__ = "registry_rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    row_key: Mapped[str] = mapped_column(String(160), doc="plate|chassis|engine keys")
    chassis_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    chassis_tail: Mapped[str] = mapped_column(String(16), default="", index=True)
    engine_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    plate_key: Mapped[str] = mapped_column(String(32), default="", index=True)
    plate_number: Mapped[str | None] = mapped_column(Text)
    chassis_number: Mapped[str | None] = mapped_column(Text)
    engine_number: Mapped[str | None] = mapped_column(Text)
    owner_name: Mapped[str | None] = mapped_column(Text)
    owner_id_number: Mapped[str | None] = mapped_column(Text)
    brand: Mapped[str | None] = mapped_column(Text)
    model: Mapped[str | None] = mapped_column(Text)
    color: Mapped[str | None] = mapped_column(Text)
    owner_address: Mapped[str | None] = mapped_column(Text)
    import_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("row_key", name="uq_registry_rows_row_key"),)


class PopulationRow(Base):
    """One person of the national population database."""

    __tablename__ = "population_rows"

    id_number: Mapped[str] = mapped_column(String(16), primary_key=True, doc="digits only")
    full_name: Mapped[str | None] = mapped_column(Text)
    birth_date: Mapped[str | None] = mapped_column(String(10), doc="ISO YYYY-MM-DD")
    address: Mapped[str | None] = mapped_column(Text)
    import_id: Mapped[int | None] = mapped_column(Integer)


class ReconciliationResult(Base):
    """The verdict of one dossier against one source."""

    __tablename__ = "reconciliation_results"

    dossier_id: Mapped[str] = mapped_column(String(64), ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True)
    source: Mapped[str] = mapped_column(String(16), primary_key=True, doc="registry | population")
    verdict: Mapped[str] = mapped_column(String(16), doc="match | mismatch | missing | ambiguous")
    matched_by: Mapped[str | None] = mapped_column(String(32))
    candidates: Mapped[int] = mapped_column(Integer, default=0)
    differences_json: Mapped[str] = mapped_column(Text, default="[]")
    notes_json: Mapped[str] = mapped_column(Text, default="[]")

    __table_args__ = (Index("ix_reconciliation_results_source_verdict", "source", "verdict"),)


class Reconciliation(Base):
    """The overall reconciliation status of a dossier."""

    __tablename__ = "reconciliations"

    dossier_id: Mapped[str] = mapped_column(String(64), ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True)
    overall: Mapped[str] = mapped_column(
        String(16), index=True, doc="ok | check_reading | missing | duplicate | verify"
    )
    reconciled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ElectronicImport(Base):
    """One import of electronic rows (file or SQL source)."""

    __tablename__ = "electronic_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), doc="registry | population")
    source: Mapped[str] = mapped_column(Text, doc="file name or table (no credentials)")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_loaded: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    errors_json: Mapped[str] = mapped_column(Text, default="[]", doc="[[line, reason], ...] (first 1000)")
