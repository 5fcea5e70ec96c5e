"""Upload of scans by clerks into the inbox (the watcher runs them through the pipeline).

The stored key never carries the client's file name: ``upload/<date>/<random>.<ext>``, with the
extension chosen from the file's first bytes, and the body bounded by the app's upload limit.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from review_ui import audit
from review_ui.access import require
from review_ui.deps import Ctx, Db, User, Writer
from review_ui.openapi_responses import FORM, SCREEN, documented
from review_ui.pages_render import render
from sohoa.errors import InputRejected
from storage.factory import inbox_store_from_settings

log = logging.getLogger(__name__)

router = APIRouter(tags=["uploads"], responses=documented(*SCREEN, 403))
MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"II*\x00", "tif"),
    (b"MM\x00*", "tif"),
)


def kind_of(head: bytes) -> str:
    """The scan type from the file's first bytes; ``InputRejected`` for anything else."""
    for magic, ext in MAGIC:
        if head.startswith(magic):
            return ext
    raise InputRejected("not a PDF, TIFF, JPEG or PNG file")


@router.get("/upload", response_class=HTMLResponse)
def upload_form(request: Request, ctx: Ctx, user: User) -> Response:
    """The upload form."""
    require(user, "upload")
    return render(request, ctx, "upload.html", user, stored=None)


@router.post("/upload", response_class=HTMLResponse, responses=documented(*FORM))
def upload(*, request: Request, ctx: Ctx, db: Db, user: Writer, scan: Annotated[UploadFile, File()]) -> Response:
    """Store one scan in the inbox under a generated key."""
    require(user, "upload")
    head = scan.file.read(16)
    ext = kind_of(head)
    scan.file.seek(0)
    key = f"upload/{dt.date.today():%Y%m%d}/{secrets.token_hex(16)}.{ext}"
    inbox_store_from_settings(ctx.settings).put_stream(key, scan.file)
    audit.record(db, user.name, "upload", "upload", new=key)
    db.commit()
    log.info("upload by %s stored as %s", user.name, key)
    return render(request, ctx, "upload.html", user, stored=key)
