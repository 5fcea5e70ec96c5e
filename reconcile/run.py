"""Reconcile every record with both electronic sources and store the results.

``reconcile_all`` reads records in batches (keyset pagination over the core ``fields`` table,
pivoted in SQL so no per-field objects are built), finds candidates with indexed lookups
(``reconcile.match``), compares field by field (``reconcile.compare``) and replaces the stored
results of the batch in one transaction. ``reconciliation_for`` gives the export's
``"reconciliation"`` object of a dossier.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from reconcile.bulk import bulk_session, delete_in, insert_many
from reconcile.compare import (
    FIELD_PAIRS,
    POPULATION,
    REGISTRY,
    SOURCES,
    Comparison,
    compare_row,
    overall_status,
)
from reconcile.importer import ImportReport, import_file
from reconcile.match import CHUNK, Candidates, Record, population_candidates, registry_candidates
from reconcile.tables import Reconciliation, ReconciliationResult, utcnow
from reconcile.workers import parallel_batches
from sohoa.errors import StorageError
from sohoa.model import FieldValue
from storage.tables import Base

log = logging.getLogger(__name__)

DEFAULT_BATCH = 5000
#: record fields reconciliation reads
RECORD_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(f for pairs in FIELD_PAIRS.values() for f, _, _ in pairs))


@dataclass
class ReconcileSummary:
    """Counts of one reconciliation run."""

    records: int = 0
    verdicts: dict[str, Counter[str]] = field(default_factory=lambda: {s: Counter() for s in SOURCES})
    overall: Counter[str] = field(default_factory=Counter)

    def add(self, results: Mapping[str, Mapping[str, Comparison]], overall: Mapping[str, str]) -> None:
        """Count one batch."""
        self.records += len(results)
        self.overall.update(overall.values())
        for per_source in results.values():
            for source, c in per_source.items():
                self.verdicts[source][c.verdict] += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "overall": dict(self.overall),
            **{s: dict(c) for s, c in self.verdicts.items()},
        }


def _core_tables() -> tuple[Any, Any]:
    return Base.metadata.tables["dossiers"], Base.metadata.tables["fields"]


def iter_stored_records(session: Session, batch: int = DEFAULT_BATCH) -> Iterator[list[Record]]:
    """Batches of ``(dossier_id, {field: value})`` of every dossier that is not rejected.

    One aggregate query per batch pivots the ``fields`` rows (walked in primary-key order from
    the last id of the previous batch), so each batch costs the same however far the run is.
    """
    dossiers, fields = _core_tables()
    columns = [func.max(case((fields.c.name == name, fields.c.value))).label(name) for name in RECORD_FIELDS]
    rejected = select(dossiers.c.id).where(dossiers.c.status == "rejected")
    last = ""
    while True:
        stmt = (
            select(fields.c.dossier_id, *columns)
            .where(
                and_(
                    fields.c.dossier_id > last,
                    fields.c.dossier_id.not_in(rejected),
                    fields.c.name.in_(RECORD_FIELDS),
                )
            )
            .group_by(fields.c.dossier_id)
            .order_by(fields.c.dossier_id)
            .limit(batch)
        )
        rows = session.execute(stmt).all()
        if not rows:
            return
        yield [(r[0], dict(zip(RECORD_FIELDS, r[1:], strict=True))) for r in rows]
        last = rows[-1][0]


def _values(fields: Mapping[str, FieldValue | str | None]) -> dict[str, str | None]:
    return {k: (v.value if isinstance(v, FieldValue) else v) for k, v in fields.items()}


def _batches(records: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[Record]]:
    """Batches of ``(dossier_id, fields)`` from tuples that start so (``Repository.iter_records``' too)."""
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield [(r[0], _values(r[1])) for r in chunk]


#: the record fields a source is looked up by, and the note when none was read
LOOKUP_KEYS = {
    REGISTRY: (("chassis_number", "engine_number", "plate_number"), "no chassis, engine or plate number on paper"),
    POPULATION: (("owner_id_number",), "no ID number on paper"),
}


def _judge(source: str, record: Mapping[str, str | None], found: Candidates) -> Comparison:
    if not found.rows:
        keys, note = LOOKUP_KEYS[source]
        return Comparison(source, "missing", notes=() if any(record.get(k) for k in keys) else (note,))
    if len(found.rows) > 1:
        return Comparison(
            source,
            "ambiguous",
            notes=(f"found {len(found.rows)} rows by {found.matched_by}",),
            matched_by=found.matched_by,
            candidates=len(found.rows),
        )
    result = compare_row(source, record, found.rows[0])
    return replace(result, matched_by=found.matched_by, candidates=1)


def reconcile_batch(session: Session, records: Sequence[Record]) -> dict[str, dict[str, Comparison]]:
    """Compare a batch of records with both sources (no writes)."""
    candidates = {
        REGISTRY: registry_candidates(session, records),
        POPULATION: population_candidates(session, records),
    }
    return {d: {s: _judge(s, values, candidates[s][d]) for s in SOURCES} for d, values in records}


def _json(items: list[Any]) -> str:
    return json.dumps(items, ensure_ascii=False) if items else "[]"


RESULT_COLUMNS = (
    "dossier_id",
    "source",
    "verdict",
    "matched_by",
    "candidates",
    "differences_json",
    "notes_json",
)


def _db_time(session: Session, when: datetime) -> Any:
    """A UTC time as the column type stores it (SQLite: SQLAlchemy's text form; others: the datetime)."""
    if session.get_bind().dialect.name == "sqlite":
        return when.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    return when


def _store(session: Session, results: Mapping[str, Mapping[str, Comparison]]) -> dict[str, str]:
    """Replace the stored results of these dossiers (the caller commits)."""
    ids = list(results)
    now = _db_time(session, utcnow())
    for i in range(0, len(ids), CHUNK):
        delete_in(session, "reconciliation_results", "dossier_id", ids[i : i + CHUNK])
        delete_in(session, "reconciliations", "dossier_id", ids[i : i + CHUNK])
    rows: list[tuple[Any, ...]] = []
    overall: dict[str, str] = {}
    for dossier_id, per_source in results.items():
        overall[dossier_id] = overall_status(per_source)
        rows.extend(
            (
                dossier_id,
                c.source,
                c.verdict,
                c.matched_by,
                c.candidates,
                _json([d.as_dict() for d in c.differences]),
                _json(list(c.notes)),
            )
            for c in per_source.values()
        )
    insert_many(session, "reconciliation_results", RESULT_COLUMNS, rows)
    insert_many(
        session,
        "reconciliations",
        ("dossier_id", "overall", "reconciled_at"),
        [(d, o, now) for d, o in overall.items()],
    )
    return overall


def reconcile_all(
    session: Session,
    records: Iterable[tuple[Any, ...]] | None = None,
    *,
    batch: int = DEFAULT_BATCH,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> ReconcileSummary:
    """Reconcile ``records`` (``(dossier_id, {field: FieldValue or value}, ...)``, e.g. from
    ``Repository.iter_records``), or every stored record (read in batches straight from the tables).

    Results replace earlier ones of the same dossiers; each batch is one transaction. With
    ``workers`` > 1, lookups and comparisons run in that many processes (``reconcile.workers``)
    while this one reads records and writes results.
    """
    summary = ReconcileSummary()
    batches = iter_stored_records(session, batch) if records is None else _batches(records, batch)
    with bulk_session(session):
        url = session.get_bind().engine.url
        if workers > 1 and url.database in (None, "", ":memory:") and url.get_backend_name() == "sqlite":
            log.warning("an in-memory database cannot be shared with worker processes: running in one")
            workers = 1
        if workers > 1:
            computed = parallel_batches(url.render_as_string(hide_password=False), batches, workers)
        else:
            computed = ((chunk, reconcile_batch(session, chunk)) for chunk in batches)
        for chunk, results in computed:
            try:
                overall = _store(session, results)
                session.commit()
            except SQLAlchemyError as e:
                session.rollback()
                first = chunk[0][0]
                raise StorageError(
                    f"storing the results of the batch from dossier {first} failed ({type(e).__name__}); "
                    "earlier batches are kept"
                ) from e
            summary.add(results, overall)
            if progress:
                progress(len(chunk))
    log.info("reconciled %d records: %s", summary.records, dict(summary.overall))
    return summary


def import_and_reconcile(
    session: Session,
    *,
    registry: Path | None = None,
    population: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[ImportReport], ReconcileSummary]:
    """Import the given registry/population exports (CSV or XLSX), then reconcile every stored record.

    What ``sohoa run ... --registry FILE --population FILE`` does after processing the dossiers.
    """
    reports = [
        import_file(session, kind, path)
        for kind, path in ((REGISTRY, registry), (POPULATION, population))
        if path is not None
    ]
    return reports, reconcile_all(session, progress=progress)


def reconciliation_for(session: Session, dossier_id: str) -> dict[str, Any]:
    """The export's ``"reconciliation"`` object of a dossier ({} when it was never reconciled)."""
    overall = session.get(Reconciliation, dossier_id)
    if overall is None:
        return {}
    out: dict[str, Any] = {"status": overall.overall, "reconciled_at": overall.reconciled_at.isoformat()}
    stmt = select(ReconciliationResult).where(ReconciliationResult.dossier_id == dossier_id)
    for r in session.scalars(stmt):
        out[r.source] = {
            "verdict": r.verdict,
            "matched_by": r.matched_by,
            "candidates": r.candidates,
            "differences": json.loads(r.differences_json),
            "notes": json.loads(r.notes_json),
        }
    return out
