"""API: approved records for the registry system (read-only tokens may use this)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from review_ui import audit
from review_ui.access import require, scope_condition
from review_ui.deps import Db, User
from review_ui.openapi_responses import API, documented
from review_ui.schemas import RecordPublic, RecordsPublic
from storage.tables import DossierRow, FieldRow

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["api"], responses=documented(*API, html=False))


@router.get("/records", response_model=RecordsPublic)
def records(
    *,
    db: Db,
    user: User,
    after: Annotated[str, Query(max_length=64)] = "",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> RecordsPublic:
    """Approved and published records, by dossier id; page with ``after``."""
    require(user, "read_records")
    rows = list(
        db.execute(
            select(DossierRow.id, DossierRow.source, DossierRow.status, DossierRow.commune, DossierRow.province)
            .where(
                DossierRow.status.in_(("approved", "published")),
                DossierRow.id > after,
                scope_condition(user, DossierRow.commune, DossierRow.province),
            )
            .order_by(DossierRow.id)
            .limit(limit)
        )
    )
    values: dict[str, dict[str, str | None]] = {}
    if rows:
        for d, name, value in db.execute(
            select(FieldRow.dossier_id, FieldRow.name, FieldRow.value).where(
                FieldRow.dossier_id.in_([r.id for r in rows])
            )
        ):
            values.setdefault(d, {})[name] = value
    items = [
        RecordPublic(
            dossier_id=r.id,
            source=r.source,
            status=r.status,
            commune=r.commune,
            province=r.province,
            fields=values.get(r.id, {}),
        )
        for r in rows
    ]
    audit.record_many(db, user.name, "view", "api-records", [r.id for r in rows])
    db.commit()
    return RecordsPublic(items=items, next_after=rows[-1].id if len(rows) == limit else None)
