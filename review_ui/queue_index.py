"""The review queue index: one row per dossier with its review priority, kept in step with the core tables.

The queue must answer in milliseconds over hundreds of thousands of dossiers, ordered by what matters
(registry/population mismatches first, then failed validators, then other flagged fields). Computing
that from ``fields`` on every request would scan millions of rows, so ``review_queue`` holds the
aggregates and is refreshed incrementally: dossiers whose ``updated_at`` (or reconciliation time) is
after the stored watermark are recomputed. The watermark overlaps by a margin so a write committed late
with an earlier timestamp is still seen. The app's own writes refresh their dossier at once.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import logging
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Row, Table, and_, case, delete, func, insert, literal, select, union
from sqlalchemy.orm import Session

from review_ui.access import in_scope, scope_condition
from review_ui.tables import QueueRow, ReviewStateRow
from storage.tables import Base, DossierRow, FieldRow, utcnow

log = logging.getLogger(__name__)

OPEN_STATUSES = ("processed", "reviewed")
WATERMARK_KEY = "queue_watermark"
OVERLAP = dt.timedelta(seconds=60)
CHUNK = 500
MERGE_COMMUNES = 20
QUEUE = cast(Table, QueueRow.__table__)


def priority_of(mismatches: int, failed: int, flagged: int) -> int:
    """Ascending sort key: mismatches first, then failed validators, then other flagged fields."""
    return -(min(mismatches, 99) * 100_000 + min(failed, 99) * 1_000 + min(flagged, 999))


def _results_table() -> Table | None:
    return Base.metadata.tables.get("reconciliation_results")


def _changed_ids(db: Session, since: dt.datetime | None) -> list[str]:
    if since is None:
        return list(db.scalars(select(DossierRow.id).where(DossierRow.status != "rejected")))
    queries = [select(DossierRow.id).where(DossierRow.updated_at > since)]
    for name in ("reconciliations", "reconciliation_results"):
        table = Base.metadata.tables.get(name)
        if table is not None and "reconciled_at" in table.c:
            queries.append(select(table.c.dossier_id).where(table.c.reconciled_at > since))
    return list(db.scalars(union(*queries)))


def _aggregates(db: Session, ids: Sequence[str]) -> list[Row]:
    flagged = and_(FieldRow.needs_review.is_(True), FieldRow.reviewed.is_(False))
    fields = (
        select(
            FieldRow.dossier_id,
            func.sum(case((flagged, 1), else_=0)).label("flagged"),
            func.sum(case((and_(flagged, FieldRow.reasons_json != "[]"), 1), else_=0)).label("failed"),
        )
        .where(FieldRow.dossier_id.in_(ids))
        .group_by(FieldRow.dossier_id)
        .subquery()
    )
    mism: Any = literal(0)
    results = _results_table()
    query = (
        select(
            DossierRow.id,
            DossierRow.status,
            DossierRow.commune,
            DossierRow.province,
            DossierRow.created_at,
            func.coalesce(fields.c.flagged, 0).label("flagged"),
            func.coalesce(fields.c.failed, 0).label("failed"),
        )
        .outerjoin(fields, fields.c.dossier_id == DossierRow.id)
        .where(DossierRow.id.in_(ids))
    )
    if results is not None:
        mism = (
            select(func.count())
            .select_from(results)
            .where(results.c.dossier_id == DossierRow.id, results.c.verdict.in_(("mismatch", "ambiguous")))
            .scalar_subquery()
        )
    return list(db.execute(query.add_columns(mism.label("mismatches"))))


def _flagged_names(db: Session, ids: Sequence[str]) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    rows = db.execute(
        select(FieldRow.dossier_id, FieldRow.name).where(
            FieldRow.dossier_id.in_(ids), FieldRow.needs_review.is_(True), FieldRow.reviewed.is_(False)
        )
    )
    for dossier_id, name in rows:
        out.setdefault(dossier_id, []).append(name)
    return {d: "," + ",".join(sorted(names)) + "," for d, names in out.items()}


def refresh(db: Session, ids: Iterable[str], *, commit_chunks: bool = False) -> int:
    """Recompute the queue rows of these dossiers (in chunks); return how many rows were written.

    With ``commit_chunks`` each chunk is its own short transaction, so a big rebuild never holds
    the database's write lock for long (the index is derived data: a half-done rebuild is just stale).
    """
    ids = list(ids)
    written = 0
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        names = _flagged_names(db, chunk)
        rows = [
            {
                "dossier_id": r.id,
                "status": r.status,
                "open": int(r.status in OPEN_STATUSES),
                "commune": r.commune,
                "province": r.province,
                "priority": priority_of(int(r.mismatches), int(r.failed), int(r.flagged)),
                "flagged": int(r.flagged),
                "failed": int(r.failed),
                "mismatches": int(r.mismatches),
                "flagged_fields": names.get(r.id, ","),
                "created_at": r.created_at,
            }
            for r in _aggregates(db, chunk)
            if r.status != "rejected"
        ]
        db.execute(delete(QUEUE).where(QUEUE.c.dossier_id.in_(chunk)))
        if rows:
            db.execute(insert(QUEUE), rows)
        if commit_chunks:
            db.commit()
        written += len(rows)
    return written


def _watermark(db: Session) -> dt.datetime | None:
    row = db.get(ReviewStateRow, WATERMARK_KEY)
    return dt.datetime.fromisoformat(row.value) if row else None


def sync(db: Session) -> int:
    """Bring the queue index up to date with the core tables; return how many dossiers were refreshed."""
    started = utcnow()
    mark = _watermark(db)
    ids = _changed_ids(db, None if mark is None else mark - OVERLAP)
    n = refresh(db, ids, commit_chunks=True)
    db.merge(ReviewStateRow(key=WATERMARK_KEY, value=started.isoformat()))
    db.commit()
    if n:
        log.info("review queue index: %d dossier(s) refreshed", n)
    return n


# -- reading the queue ---------------------------------------------------------------------------------


def _filtered(p: Any, commune: str | None, status: str | None, field: str | None) -> list[Any]:
    q = QUEUE.c
    conds = [scope_condition(p, q.commune, q.province)]
    if status:
        conds.append(q.status == status)
    else:
        conds.append(q.open == 1)
    if commune:
        conds.append(q.commune == commune)
    if field:
        conds.append(q.flagged_fields.contains(f",{field},", autoescape=True))
    return conds


def _columns() -> tuple[Any, ...]:
    q = QUEUE.c
    return (
        q.dossier_id,
        q.status,
        q.commune,
        q.flagged,
        q.failed,
        q.mismatches,
        q.flagged_fields,
        q.created_at,
        q.priority,
    )


def list_queue(
    db: Session,
    p: Any,
    *,
    commune: str | None = None,
    status: str | None = None,
    field: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Row]:
    """One page of the queue in the principal's communes, most urgent first.

    For a user of a few communes each commune is read along its own ordered index and the runs are
    merged here: one ``commune IN (...)`` query would sort every open dossier of those communes.
    """
    q = QUEUE.c
    order = (q.priority, q.created_at)  # both in the indexes: no sort, even with ties
    if not commune and p.role in ("clerk", "reviewer") and 1 < len(p.communes) <= MERGE_COMMUNES:
        runs = [
            list(
                db.execute(
                    select(*_columns()).where(*_filtered(p, c, status, field)).order_by(*order).limit(offset + limit)
                )
            )
            for c in p.communes
        ]
        merged = heapq.merge(*runs, key=lambda r: (r.priority, r.created_at))
        return list(itertools.islice(merged, offset, offset + limit))
    query = (
        select(*_columns()).where(*_filtered(p, commune, status, field)).order_by(*order).limit(limit).offset(offset)
    )
    return list(db.execute(query))


def queue_counts(db: Session, p: Any, *, commune: str | None = None, field: str | None = None) -> dict[str, int]:
    """Counts shown above the queue: open dossiers, flagged, failed checks, mismatches, ready to approve."""
    q = QUEUE.c
    row = db.execute(
        select(
            func.count(),
            func.sum(case((q.flagged > 0, 1), else_=0)),
            func.sum(case((q.failed > 0, 1), else_=0)),
            func.sum(case((q.mismatches > 0, 1), else_=0)),
            func.sum(case((q.flagged == 0, 1), else_=0)),
        ).where(*_filtered(p, commune, None, field))
    ).one()
    keys = ("open", "flagged", "failed", "mismatches", "to_approve")
    return {k: int(v or 0) for k, v in zip(keys, row, strict=True)}


UnitCounts = dict[tuple[str | None, str | None], dict[str, int]]
COUNT_KEYS = ("open", "flagged", "failed", "mismatches", "to_approve")


def counts_by_unit(db: Session) -> UnitCounts:
    """The queue counts of every (province, commune), in one grouped query over the open dossiers."""
    q = QUEUE.c
    rows = db.execute(
        select(
            q.province,
            q.commune,
            func.count(),
            func.sum(case((q.flagged > 0, 1), else_=0)),
            func.sum(case((q.failed > 0, 1), else_=0)),
            func.sum(case((q.mismatches > 0, 1), else_=0)),
            func.sum(case((q.flagged == 0, 1), else_=0)),
        )
        .where(q.open == 1)
        .group_by(q.province, q.commune)
    )
    return {(r[0], r[1]): {k: int(v or 0) for k, v in zip(COUNT_KEYS, r[2:], strict=True)} for r in rows}


def sum_counts(units: UnitCounts, p: Any, commune: str | None = None) -> dict[str, int]:
    """The counts a principal sees (its communes, optionally one of them), from ``counts_by_unit``."""
    total = dict.fromkeys(COUNT_KEYS, 0)
    for (province, unit_commune), counts in units.items():
        if (commune is None or unit_commune == commune) and in_scope(p, unit_commune, province):
            for k in COUNT_KEYS:
                total[k] += counts[k]
    return total


def communes_in_scope(db: Session, p: Any) -> list[str]:
    """The communes the principal may filter by."""
    q = QUEUE.c
    if p.role not in ("admin", "supervisor"):
        return sorted(p.communes)
    rows = db.scalars(
        select(q.commune)
        .where(scope_condition(p, q.commune, q.province), q.commune.is_not(None))
        .distinct()
        .order_by(q.commune)
        .limit(500)
    )
    return [r for r in rows if r]
