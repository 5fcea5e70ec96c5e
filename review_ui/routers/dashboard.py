"""The campaign dashboard: the reconciliation report's figures per commune, as inline SVG charts."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from reconcile.report import campaign
from review_ui.access import require, scope_condition
from review_ui.accounts import Principal
from review_ui.deps import Ctx, Db, User
from review_ui.openapi_responses import SCREEN, documented
from review_ui.pages_render import render
from storage.tables import DossierRow

log = logging.getLogger(__name__)

router = APIRouter(tags=["dashboard"], responses=documented(*SCREEN, 403))
MAX_UNITS = 40


def campaign_rows(db: Session, user: Principal) -> list[dict[str, Any]]:
    """Per commune in the user's scope: dossiers, done, matched/mismatched/missing against each source."""
    visible = set(
        db.scalars(
            select(DossierRow.commune).where(scope_condition(user, DossierRow.commune, DossierRow.province)).distinct()
        )
    )
    rows = []
    for r in campaign(db, "commune"):
        if user.role != "admin" and r.unit not in visible:
            continue
        rows.append(
            {
                "unit": r.unit,
                "dossiers": r.dossiers,
                "done": r.done,
                "share": r.share_done,
                "reviewed": r.fields_reviewed,
                "verdicts": {s: dict(c) for s, c in r.verdicts.items()},
            }
        )
    return rows[:MAX_UNITS]


def _core_counts(db: Session, user: Principal) -> list[dict[str, Any]]:
    done = func.sum(case((DossierRow.status.in_(("approved", "published")), 1), else_=0))
    q = (
        select(DossierRow.commune, func.count(), done)
        .where(scope_condition(user, DossierRow.commune, DossierRow.province))
        .group_by(DossierRow.commune)
    )
    return [
        {
            "unit": c or "?",
            "dossiers": n,
            "done": int(d or 0),
            "share": (d or 0) / n if n else 0.0,
            "reviewed": 0,
            "verdicts": {},
        }
        for c, n, d in db.execute(q)
    ][:MAX_UNITS]


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(*, request: Request, ctx: Ctx, db: Db, user: User) -> Response:
    """Campaign figures for supervisors and admins."""
    require(user, "reports")
    rows = campaign_rows(db, user)
    biggest = max((r["dossiers"] for r in rows), default=1) or 1
    totals = {k: sum(r[k] for r in rows) for k in ("dossiers", "done", "reviewed")}
    return render(request, ctx, "dashboard.html", user, rows=rows, biggest=biggest, totals=totals)
