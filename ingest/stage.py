"""The ingest stage: a dossier source in, its checked, de-duplicated, scored pages out."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from ingest.checks import check_source
from ingest.dedupe import unique_pages
from ingest.fingerprint import dossier_id_for, sha256_source
from ingest.quality import assess
from ingest.rasterize import iter_pages
from ingest.sources import Source
from sohoa.context import StageContext
from sohoa.model import Page, PageWork

log = logging.getLogger(__name__)


def load_dossier(source: Source, ctx: StageContext) -> Iterator[PageWork]:
    """Yield a dossier's pages one at a time, ready for the OCR stage.

    Checks the source before any raster work (``InputRejected`` on bad input),
    rasterizes page by page, drops exact duplicate pages and scores scan quality.
    Pages are numbered 1..n after duplicates are dropped.
    """
    check_source(source, ctx.settings)
    dossier_id = dossier_id_for(sha256_source(source))
    pages = unique_pages(iter_pages(source, ctx.settings))
    for number, raster in enumerate(pages, start=1):
        height, width = raster.image.shape[:2]
        page = Page(
            dossier_id=dossier_id,
            index=number,
            width=width,
            height=height,
            dpi=raster.dpi,
            sha256=raster.sha256,
            quality=assess(raster.image, raster.dpi),
            stages=("ingest",),
        )
        if number != raster.index:
            log.debug("dossier %s: source page %d is page %d", dossier_id, raster.index, number)
        yield PageWork(page=page, image=raster.image)
