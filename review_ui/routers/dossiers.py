"""The dossier screen: page image with field boxes, each field's crop, value, confidence and reasons,
the reconciliation differences, the history; and approval."""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from review_ui import audit, queue_index
from review_ui.deps import Ctx, Db, User, Writer
from review_ui.openapi_responses import FORM, SCREEN, documented
from review_ui.pages_render import render
from review_ui.params import DossierId
from review_ui.review import DossierView, approve, load_view
from sohoa.errors import Conflict

log = logging.getLogger(__name__)

router = APIRouter(tags=["dossiers"], responses=documented(*SCREEN))


def view_context(view: DossierView, focus: str | None) -> dict[str, Any]:
    """Template values of the dossier screen."""
    flagged = [f.name for f in view.flagged]
    boxes = {f.name: json.loads(f.bbox_json) if f.bbox_json else None for f in view.fields}
    if focus not in flagged:
        focus = flagged[0] if flagged else None
    return {
        "view": view,
        "d": view.dossier,
        "flagged_names": flagged,
        "boxes": boxes,
        "focus": focus,
        "reasons": {f.name: json.loads(f.reasons_json or "[]") for f in view.fields},
        "readings": {f.name: json.loads(f.readings_json or "[]") for f in view.fields},
        "imaged": {p.idx for p in view.pages if p.image_key},
    }


@router.get("/dossiers/{dossier_id}", response_class=HTMLResponse, responses=documented(404, 422))
def dossier_page(
    *,
    request: Request,
    ctx: Ctx,
    db: Db,
    user: User,
    dossier_id: DossierId,
    focus: Annotated[str | None, Query(pattern=r"^[a-z_]{1,64}$")] = None,
    page: Annotated[int | None, Query(ge=1, le=10_000)] = None,
) -> Response:
    """One dossier beside its scan; viewing it is audited."""
    view = load_view(db, user, dossier_id, "dossier")
    context = view_context(view, focus)
    shown = page or _page_of(view, context["focus"]) or (view.pages[0].idx if view.pages else None)
    return render(
        request,
        ctx,
        "dossier.html",
        user,
        shown_page=shown,
        history=audit.history(db, dossier_id, 50, changes_only=True),
        approved=request.query_params.get("approved") == "1",
        **context,
    )


def _page_of(view: DossierView, name: object) -> int | None:
    return next((f.page for f in view.fields if f.name == name and f.page), None)


@router.post(
    "/dossiers/{dossier_id}/approve", response_class=HTMLResponse, responses=documented(*FORM, 404, 409)
)
def approve_dossier(*, request: Request, ctx: Ctx, db: Db, user: Writer, dossier_id: DossierId) -> Response:
    """Approve (only with no field flagged), then go to the next dossier of the queue."""
    try:
        approve(db, user, dossier_id, "dossier")
    except Conflict as e:
        view = load_view(db, user, dossier_id, "dossier")
        context = view_context(view, None)
        shown = view.pages[0].idx if view.pages else None
        return render(
            request,
            ctx,
            "dossier.html",
            user,
            status_code=409,
            error=e.message,
            shown_page=shown,
            history=audit.history(db, dossier_id, 50, changes_only=True),
            approved=False,
            **context,
        )
    return RedirectResponse(f"/dossiers/{dossier_id}?approved=1", status_code=303)


@router.get("/next", response_class=HTMLResponse, responses=documented(422))
def next_dossier(
    *, db: Db, user: User, after: Annotated[str, Query(pattern=r"^[A-Za-z0-9._-]{0,64}$")] = ""
) -> Response:
    """Go to the most urgent dossier of the user's queue other than ``after`` (the "next" key)."""
    nxt = next_in_queue(db, user, after)
    return RedirectResponse(f"/dossiers/{nxt}" if nxt else "/queue", status_code=303)


def next_in_queue(db: Db, user: User, dossier_id: str) -> str | None:
    """The most urgent other dossier of the user's queue (for the "next" key)."""
    return next((r.dossier_id for r in queue_index.list_queue(db, user, limit=2) if r.dossier_id != dossier_id), None)
