"""API: the queue, one dossier, its history, approval and rescan requests."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query

from review_ui import audit, queue_index
from review_ui.access import require
from review_ui.convert import field_public, page_public
from review_ui.deps import Ctx, Db, User, Writer
from review_ui.openapi_responses import API, documented
from review_ui.params import DossierId, PageNo
from review_ui.review import approve, load_view, request_rescan
from review_ui.routers.queue import queue_counts_cached
from review_ui.schemas import (
    ApproveCreate,
    AuditPublic,
    DossierPublic,
    DossierSummary,
    MePublic,
    QueuePublic,
    RescanCreate,
    RescanPublic,
)

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["api"], responses=documented(*API, 404, html=False))


@router.get("/me", response_model=MePublic)
def me(user: User) -> MePublic:
    """Who the caller is."""
    return MePublic(
        name=user.name,
        role=user.role,
        communes=list(user.communes),
        province=user.province,
        read_only=user.read_only,
    )


@router.get("/queue", response_model=QueuePublic)
def queue(
    *,
    ctx: Ctx,
    db: Db,
    user: User,
    commune: Annotated[str | None, Query(max_length=128)] = None,
    status: Annotated[str | None, Query(pattern=r"^(received|processed|reviewed|approved|published)$")] = None,
    field: Annotated[str | None, Query(pattern=r"^[a-z_]{1,64}$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> QueuePublic:
    """Dossiers awaiting review in the caller's communes, most urgent first, with counts."""
    require(user, "review")
    ctx.sync_queue(db)
    rows = queue_index.list_queue(db, user, commune=commune, status=status, field=field, limit=limit, offset=offset)
    items = [
        DossierSummary(
            dossier_id=r.dossier_id,
            status=r.status,
            commune=r.commune,
            flagged=r.flagged,
            failed=r.failed,
            mismatches=r.mismatches,
            flagged_fields=[f for f in r.flagged_fields.split(",") if f],
        )
        for r in rows
    ]
    return QueuePublic(counts=queue_counts_cached(ctx, db, user, commune=commune, field=field), items=items)


@router.get("/dossiers/{dossier_id}", response_model=DossierPublic)
def dossier(db: Db, user: User, dossier_id: DossierId) -> DossierPublic:
    """A dossier with its pages and fields (the access is audited)."""
    require(user, "review")
    view = load_view(db, user, dossier_id, "api")
    d = view.dossier
    return DossierPublic(
        dossier_id=d.id,
        source=d.source,
        status=d.status,
        commune=d.commune,
        province=d.province,
        version=d.version,
        pages=[page_public(p) for p in view.pages],
        fields=[field_public(f) for f in view.fields],
        reconciliation=view.reconciliation,
    )


@router.get("/dossiers/{dossier_id}/audit", response_model=list[AuditPublic])
def dossier_audit(*, db: Db, user: User, dossier_id: DossierId) -> list[AuditPublic]:
    """The dossier's history, newest first."""
    require(user, "review")
    load_view(db, user, dossier_id, "api-audit")
    return [
        AuditPublic(at=a.at, user=a.user_name, action=a.action, screen=a.screen, field=a.field, old=a.old, new=a.new)
        for a in audit.history(db, dossier_id)
    ]


@router.post(
    "/dossiers/{dossier_id}/approve", response_model=DossierPublic, responses=documented(400, 409, 413, html=False)
)
def approve_dossier(*, db: Db, user: Writer, dossier_id: DossierId, body: ApproveCreate) -> DossierPublic:
    """Approve the dossier; refused (409) while a field is flagged or after someone else's change."""
    approve(db, user, dossier_id, "api")
    return dossier(db, user, dossier_id)


@router.post(
    "/dossiers/{dossier_id}/pages/{idx}/rescan",
    response_model=RescanPublic,
    status_code=201,
    responses=documented(400, 413, html=False),
)
def rescan(*, db: Db, user: Writer, dossier_id: DossierId, idx: PageNo, body: RescanCreate) -> RescanPublic:
    """Ask for the page to be rescanned, with a reason."""
    request_rescan(db, user, dossier_id, idx, reason=body.reason, screen="api")
    return RescanPublic(dossier_id=dossier_id, page=idx, reason=body.reason)
