"""Page images (served from the object store through an access check) and "rescan needed" requests."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Annotated, BinaryIO

from fastapi import APIRouter, Form, Query
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from review_ui import audit
from review_ui.crops import preview
from review_ui.deps import Ctx, Db, User, Writer
from review_ui.openapi_responses import FORM, SCREEN, documented
from review_ui.params import DossierId, PageNo
from review_ui.review import get_dossier, request_rescan
from sohoa.errors import NotFound
from storage.keys import page_key
from storage.tables import PageRow

log = logging.getLogger(__name__)

router = APIRouter(tags=["pages"], responses=documented(*SCREEN))


@router.get(
    "/dossiers/{dossier_id}/pages/{idx}/image",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, **documented(404, 422)},
)
def page_image(
    *,
    ctx: Ctx,
    db: Db,
    user: User,
    dossier_id: DossierId,
    idx: PageNo,
    size: Annotated[str, Query(pattern=r"^(full|preview)$")] = "full",
) -> Response:
    """The prepared page image for users who may see the dossier: the full PNG streamed from the object
    store, or (``size=preview``) a small JPEG the viewer shows first on slow links. Each fetch is audited
    (the scan shows personal data): one row, screen ``page-image``, ``new`` naming the page and size."""
    get_dossier(db, user, dossier_id)
    page = db.get(PageRow, (dossier_id, idx))
    if page is None or not page.image_key:
        raise NotFound(f"no image for page {idx} of dossier {dossier_id}")
    audit.record(db, user.name, "view", "page-image", dossier_id=dossier_id, new=f"page {idx} {size}")
    db.commit()
    if size == "preview":
        data, media = preview(ctx.store, page.image_key, lambda ext: page_key(dossier_id, idx, "preview", ext))
        return Response(data, media_type=media, headers={"cache-control": "private, max-age=300"})
    return StreamingResponse(
        _chunks(ctx.store.open(page.image_key)),
        media_type="image/png",
        headers={"cache-control": "private, max-age=300"},
    )


def _chunks(fh: BinaryIO, size: int = 64 * 1024) -> Iterator[bytes]:
    with fh:
        while chunk := fh.read(size):
            yield chunk


@router.post(
    "/dossiers/{dossier_id}/pages/{idx}/rescan", response_class=Response, responses=documented(*FORM, 404)
)
def rescan_page(
    *,
    db: Db,
    user: Writer,
    dossier_id: DossierId,
    idx: PageNo,
    reason: Annotated[str, Form(min_length=1, max_length=500)],
) -> Response:
    """Mark the page "rescan needed" with a reason; the dossier joins the rescan list."""
    request_rescan(db, user, dossier_id, idx, reason=reason, screen="dossier")
    return RedirectResponse(f"/dossiers/{dossier_id}?page={idx}", status_code=303)
