"""The OCR stage as the pipeline composes it: prepare a page, then read it once."""

from __future__ import annotations

import logging
import time

import numpy as np

from ocr.clean import clean, sauvola
from ocr.deskew import deskew
from ocr.orientation import upright
from ocr.tesseract import OcrResult, recognize
from sohoa.context import StageContext
from sohoa.model import PageWork

log = logging.getLogger(__name__)

#: a greyscale reading with fewer words or a lower mean confidence than this is weak, and the
#: page is read a second time binarized (Sauvola). Measured on 54 such pages of poor scans
#: (training seed 9): printed values found verbatim 17 % greyscale, 41 % binarized; 18 of them
#: read no word at all greyscale, where a grey card background defeats Tesseract's global threshold.
WEAK_WORDS = 20
WEAK_CONFIDENCE = 0.6


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
    result, stage = read_best(work.image, work.page.dpi, ctx)
    log.debug("page %d read in %.2f s (%s): %d blocks, mean confidence %.3f", work.page.index,
              time.perf_counter() - started, stage, len(result.blocks), result.mean_confidence)
    page = work.page.model_copy(update={
        "blocks": result.blocks,
        "ocr_confidence": result.mean_confidence,
        "stages": (*work.page.stages, stage),
    })
    extras = {**work.extras, "pdf": result.pdf, "hocr": result.hocr}
    return PageWork(page=page, image=work.image, extras=extras)


def _weak(result: OcrResult) -> bool:
    words = sum(len(line.words) for b in result.blocks for line in b.lines)
    return words < WEAK_WORDS or result.mean_confidence < WEAK_CONFIDENCE


def read_best(image: np.ndarray, dpi: int, ctx: StageContext) -> tuple[OcrResult, str]:
    """The page's reading and the stage that made it: ``ocr`` (greyscale), or ``ocr_binarized``
    where the greyscale reading is weak and the Sauvola-binarized page reads more confidently."""
    result = recognize(image, lang=ctx.languages, dpi=dpi, timeout=ctx.tesseract_timeout, text_only_pdf=True)
    if not _weak(result):
        return result, "ocr"
    second = recognize(sauvola(image, dpi), lang=ctx.languages, dpi=dpi, timeout=ctx.tesseract_timeout,
                       text_only_pdf=True)
    if second.mean_confidence > result.mean_confidence:
        return second, "ocr_binarized"
    return result, "ocr"
