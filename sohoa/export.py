"""The export contract: one JSON object per dossier, as the registry system reads it.

``{"dossier_id", "source", "status", "pages", "fields": {name: {"value", "confidence",
"needs_review", "page", "bbox", "reasons"}}, "reconciliation": {...}}``; every field of
the document type is present (null and needing review where it was found nowhere);
rejected inputs appear with ``"status": "rejected"`` and their reason.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def field_names(doc_type: str = "vehicle_registration") -> tuple[str, ...]:
    """The fields of a document type, in the order of its specification."""
    from sohoa.doctypes import load_doctype

    return tuple(load_doctype(doc_type).fields)


def _field_json(row: Any) -> dict[str, Any]:
    return {
        "value": row.value,
        "confidence": round(float(row.confidence or 0.0), 4),
        "needs_review": bool(row.needs_review),
        "page": row.page,
        "bbox": json.loads(row.bbox_json) if row.bbox_json else None,
        "reasons": json.loads(row.reasons_json) if row.reasons_json else [],
    }


def _missing_field() -> dict[str, Any]:
    return {"value": None, "confidence": 0.0, "needs_review": True, "page": None, "bbox": None,
            "reasons": ["not found"]}


def _reconciliation(session: Session, dossier_id: str) -> dict[str, Any]:
    try:
        from reconcile.run import reconciliation_for
    except ImportError:  # reconcile not installed in this build
        return {}
    return reconciliation_for(session, dossier_id)


def export_records(session: Session, *, statuses: Sequence[str] | None = None) -> Iterator[dict[str, Any]]:
    """Yield the export object of every dossier (optionally only those with ``statuses``)."""
    from storage.tables import Base

    dossiers = Base.metadata.tables["dossiers"]
    fields = Base.metadata.tables["fields"]
    query = select(dossiers).order_by(dossiers.c.created_at, dossiers.c.id)
    if statuses:
        query = query.where(dossiers.c.status.in_(list(statuses)))
    for d in session.execute(query).mappings():
        yield _record(session, d, fields)


def _record(session: Session, d: Any, fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"dossier_id": d["id"], "source": d["source"], "status": d["status"],
                           "pages": d["page_count"] or 0}
    if d["status"] == "rejected":
        out["reason"] = d["reason"]
        return out
    rows = {r.name: r for r in session.execute(select(fields).where(fields.c.dossier_id == d["id"]))}
    out["fields"] = {
        name: _field_json(rows[name]) if name in rows else _missing_field()
        for name in field_names(d["doc_type"] or "vehicle_registration")
    }
    out["reconciliation"] = _reconciliation(session, d["id"])
    return out
