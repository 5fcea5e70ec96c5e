"""A page whose greyscale reading is weak is read a second time binarized (``ocr.prepare.read_best``).

Seed 9's first generated dossier is a poor scan (contrast 0.63, noise 14, JPEG 55): Tesseract
finds no word at all on its certificate page in greyscale, where the grey card backgrounds
defeat its global threshold, and reads it binarized.
"""

from __future__ import annotations

import numpy as np
import pytest

import ocr.prepare as prepare_mod
from ingest.sources import discover
from ingest.stage import load_dossier
from ocr.prepare import WEAK_WORDS, prepare, read, read_best
from ocr.tesseract import OcrResult
from sohoa.context import StageContext
from sohoa.model import PageWork
from sohoa.samples.generator import write_one


def _words(result: OcrResult) -> list[str]:
    return [w.text for b in result.blocks for line in b.lines for w in line.words]


@pytest.fixture(scope="module")
def poor_certificate(tmp_path_factory: pytest.TempPathFactory, ctx: StageContext) -> PageWork:
    """The certificate page of the dossier as the pipeline ingests it from the written scan."""
    folder = tmp_path_factory.mktemp("seed9")
    truth = write_one(folder, 9, 0)
    assert (truth.quality, truth.pages[1].page_type) == ("poor", "registration_certificate")
    sources, rejected = discover([folder / truth.source])
    assert not rejected
    return next(w for w in load_dossier(sources[0], ctx) if w.page.index == 2)


def test_a_page_lost_in_greyscale_is_read_binarized(poor_certificate: PageWork, ctx: StageContext) -> None:
    work = prepare(poor_certificate, ctx)
    dpi = work.page.dpi
    grey = prepare_mod.recognize(work.image, lang=ctx.languages, dpi=dpi, timeout=ctx.tesseract_timeout)
    assert len(_words(grey)) < WEAK_WORDS  # the reason for the second reading
    done = read(work, ctx)
    assert done.page.stages[-1] == "ocr_binarized"
    text = " ".join(w.text for b in done.page.blocks for line in b.lines for w in line.words)
    assert "TOYOTA" in text and "1889875" in text  # the brand and the engine number's digits
    assert done.page.ocr_confidence > grey.mean_confidence


def test_a_strong_greyscale_reading_is_read_once(monkeypatch: pytest.MonkeyPatch, ctx: StageContext) -> None:
    calls = []
    strong = OcrResult(blocks=(), pdf=b"", hocr="", mean_confidence=0.9)

    def fake(image: np.ndarray, **kw: object) -> OcrResult:
        calls.append(image)
        return strong

    monkeypatch.setattr(prepare_mod, "_weak", lambda result: False)
    monkeypatch.setattr(prepare_mod, "recognize", fake)
    result, stage = read_best(np.full((50, 50), 255, np.uint8), 200, ctx)
    assert (result, stage, len(calls)) == (strong, "ocr", 1)


def test_the_binarized_reading_is_kept_only_when_it_reads_more_surely(monkeypatch: pytest.MonkeyPatch,
                                                                      ctx: StageContext) -> None:
    grey = OcrResult(blocks=(), pdf=b"g", hocr="", mean_confidence=0.5)
    binarized = OcrResult(blocks=(), pdf=b"b", hocr="", mean_confidence=0.4)
    answers = iter([grey, binarized])
    monkeypatch.setattr(prepare_mod, "recognize", lambda image, **kw: next(answers))
    result, stage = read_best(np.full((50, 50), 255, np.uint8), 200, ctx)
    assert (result.pdf, stage) == (b"g", "ocr")
