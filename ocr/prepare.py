"""The OCR stage as the pipeline composes it: prepare a page, then read it once."""

from __future__ import annotations

import logging
import time

from ocr.clean import clean
from ocr.deskew import deskew
from ocr.orientation import upright
from ocr.tesseract import recognize
from sohoa.context import StageContext
from sohoa.model import PageWork

log = logging.getLogger(__name__)


def prepare(work: PageWork, ctx: StageContext) -> PageWork:
    """Turn the page upright, deskew it and clean it for OCR (three stages, in that order)."""
    return clean(deskew(upright(work, ctx), ctx), ctx)


def read(work: PageWork, ctx: StageContext) -> PageWork:
    """Read the prepared page with Tesseract in one pass.

    Sets the page's blocks and mean word confidence; the text-layer PDF (invisible
    text only: the pipeline lays it over the page image) and the hOCR of the same
    pass go in ``extras["pdf"]`` and ``extras["hocr"]`` of the returned value (the
    input's extras are not touched).
    """
    started = time.perf_counter()
    result = recognize(work.image, lang=ctx.languages, dpi=work.page.dpi, timeout=ctx.tesseract_timeout,
                       text_only_pdf=True)
    log.debug("page %d read in %.2f s: %d blocks, mean confidence %.3f", work.page.index,
              time.perf_counter() - started, len(result.blocks), result.mean_confidence)
    page = work.page.model_copy(update={
        "blocks": result.blocks,
        "ocr_confidence": result.mean_confidence,
        "stages": (*work.page.stages, "ocr"),
    })
    extras = {**work.extras, "pdf": result.pdf, "hocr": result.hocr}
    return PageWork(page=page, image=work.image, extras=extras)
