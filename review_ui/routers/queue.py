"""The review queue (most urgent first, filterable, counts at the top) and the rescan list."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from review_ui import queue_index
from review_ui.accounts import Principal
from review_ui.deps import Ctx, Db, User
from review_ui.i18n import labels
from review_ui.openapi_responses import SCREEN, documented
from review_ui.pages_render import render
from review_ui.review import rescan_list

log = logging.getLogger(__name__)

router = APIRouter(tags=["queue"], responses=documented(*SCREEN))
PAGE = 50

Commune = Annotated[str | None, Query(max_length=128)]
Status = Annotated[str | None, Query(pattern=r"^(received|processed|reviewed|approved|published)?$")]
FieldQ = Annotated[str | None, Query(pattern=r"^[a-z_]{0,64}$")]


COMMUNES_TTL = 60.0


def scope_key(user: Principal) -> tuple[object, ...]:
    """What decides which dossiers a user sees (users with the same scope share cached figures)."""
    return (user.role, user.province, tuple(sorted(user.communes)))


def queue_counts_cached(ctx: Ctx, db: Db, user: Principal, *, commune: str | None, field: str | None) -> dict[str, int]:
    """The counts above the queue: summed from the per-commune counts every scope shares (kept fresh by the
    background loop), or for a field filter one query remembered for a few seconds."""
    if field is None:
        return queue_index.sum_counts(ctx.unit_counts(db), user, commune)
    return ctx.cached(
        ("counts", *scope_key(user), commune, field),
        ctx.counts_ttl,
        lambda: queue_index.queue_counts(db, user, commune=commune, field=field),
    )


@router.get("/queue", response_class=HTMLResponse, responses=documented(422))
def queue_page(
    *,
    request: Request,
    ctx: Ctx,
    db: Db,
    user: User,
    commune: Commune = None,
    status: Status = None,
    field: FieldQ = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Dossiers to review in the user's communes: mismatches, then failed checks, then other flags."""
    ctx.sync_queue(db)
    commune, status, field = commune or None, status or None, field or None
    items = queue_index.list_queue(
        db, user, commune=commune, status=status, field=field, limit=PAGE + 1, offset=(page - 1) * PAGE
    )
    counts = queue_counts_cached(ctx, db, user, commune=commune, field=field)
    return render(
        request,
        ctx,
        "queue.html",
        user,
        items=items[:PAGE],
        more=len(items) > PAGE,
        page=page,
        counts=counts,
        communes=ctx.cached(
            ("communes", *scope_key(user)), COMMUNES_TTL, lambda: queue_index.communes_in_scope(db, user)
        ),
        commune=commune,
        status=status,
        field=field,
        field_names=list(labels()["fields"]),
    )


@router.get("/rescans", response_class=HTMLResponse)
def rescans_page(*, request: Request, ctx: Ctx, db: Db, user: User) -> Response:
    """Pages sent back for rescanning, with their reasons."""
    return render(request, ctx, "rescans.html", user, rows=rescan_list(db, user))
