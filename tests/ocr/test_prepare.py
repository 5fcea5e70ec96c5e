"""prepare + read on real scans with gold text and on generated Vietnamese pages."""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader

from ocr.metrics import cer
from ocr.prepare import prepare, read
from ocr.tesseract import recognize
from sohoa.context import StageContext
from sohoa.samples import faults
from tests.ocr.conftest import load_gray, make_work
from tests.ocr.pages import SERIF, VIETNAMESE, draw_page

TOLERANCE = 0.005  # half a percent of characters: preparation may not make a page worse than that


def _text(blocks: tuple) -> str:
    return "\n".join(b.text for b in blocks)


GOLD = {"phototest.tif": ("phototest.gold.txt", 200), "eurotext.tif": ("eurotext.txt", 300),
        "8087_054.3B.tif": ("8087_054.3B.txt", 300), "8071_093.3B.tif": ("8071_093.3B.txt", 300)}
_baselines: dict[str, float] = {}


def baseline_cer(scans: Path, original: str) -> float:
    """The CER Tesseract itself reaches on the upright original, with the same languages (cached)."""
    if original not in _baselines:
        gold, dpi = GOLD[original]
        result = recognize(load_gray(scans / original), lang="vie+eng", dpi=dpi, timeout=300)
        _baselines[original] = cer((scans / gold).read_text(encoding="utf-8"), _text(result.blocks))
    return _baselines[original]


CASES = [
    # (scan file, its upright original, clockwise turn we apply to the scan ourselves)
    ("phototest.tif", "phototest.tif", 0),
    ("phototest-rotated-L.png", "phototest.tif", 0),
    ("phototest-rotated-R.png", "phototest.tif", 0),
    ("phototest-rotated-180.png", "phototest.tif", 0),
    ("eurotext.tif", "eurotext.tif", 0),
    ("eurotext.tif", "eurotext.tif", 90),
    ("eurotext.tif", "eurotext.tif", 180),
    # the UNLV pages (8087_054.3B, 8071_093.3B: 3312x2550 at 300 DPI) take ~15 s each and are
    # measured outside the suite (figures in the ocr notes), to keep tests/ocr within its budget
]


@pytest.mark.parametrize(("name", "original", "turned"), CASES)
def test_real_scans_read_no_worse_than_tesseract_on_the_upright_original(
    name: str, original: str, turned: int, scans: Path, ctx: StageContext
) -> None:
    gold, dpi = GOLD[original]
    scan = faults.rotate90(load_gray(scans / name), turned)
    done = read(prepare(make_work(scan, dpi=dpi), ctx), ctx)
    error = cer((scans / gold).read_text(encoding="utf-8"), done.page.text)
    baseline = baseline_cer(scans, original)
    print(f"{name} turned {turned}: CER prepared {error:.4f}, Tesseract on the original {baseline:.4f}")
    assert error <= baseline + TOLERANCE


def test_clean_vietnamese_page_is_read_with_cer_under_2_percent(ctx: StageContext) -> None:
    page = draw_page(VIETNAMESE, dpi=200, font=SERIF)
    work = make_work(page, dpi=200)
    started = time.perf_counter()
    done = read(prepare(work, ctx), ctx)
    seconds = time.perf_counter() - started
    error = cer(VIETNAMESE, done.page.text)
    print(f"Vietnamese clean page, 200 DPI: CER {error:.4f}, {seconds:.2f} s for prepare+read")
    assert error <= 0.02
    assert done.page.stages == ("upright", "deskew", "clean", "ocr")
    assert done.page.ocr_confidence is not None and done.page.ocr_confidence > 0.8
    assert "Nguyễn" in done.page.text and "Hường" in done.page.text


def test_fair_scan_is_turned_levelled_and_read(ctx: StageContext) -> None:
    """Upside down, skewed 3.5°, noised: still read at CER ≤ 2%, and the page records what was done."""
    rng = np.random.default_rng(11)
    scan = faults.rotate90(faults.noise(faults.skew(draw_page(VIETNAMESE, dpi=200), 3.5), 12, rng), 180)
    done = read(prepare(make_work(scan, dpi=200), ctx), ctx)
    error = cer(VIETNAMESE, done.page.text)
    print(f"Vietnamese fair scan (180°, 3.5°, noise 12): CER {error:.4f}")
    assert done.page.rotation == 180
    assert done.page.skew == pytest.approx(3.5, abs=0.3)
    assert error <= 0.02


def test_read_keeps_the_one_pass_pdf_and_hocr_without_touching_its_input(scans: Path,
                                                                        ctx: StageContext) -> None:
    prepared = prepare(make_work(load_gray(scans / "phototest.tif"), dpi=200), ctx)
    before = dict(prepared.extras)
    done = read(prepared, ctx)
    assert prepared.extras == before and prepared.page.blocks == ()
    assert "quick brown dog" in PdfReader(io.BytesIO(done.extras["pdf"])).pages[0].extract_text()
    assert "ocrx_word" in done.extras["hocr"]
    assert done.page.words and done.page.words[0].text == "This"
    assert done.image is prepared.image


def test_cleaning_rescues_unevenly_lit_scan(ctx: StageContext) -> None:
    """A page lit from one side (a book scanner's shadow): raw Tesseract loses most of it, prepared not."""
    page = draw_page(VIETNAMESE, dpi=150)
    shade = np.linspace(0.65, 1.0, page.shape[1], dtype=np.float32)[None, :]
    scan = (page.astype(np.float32) * shade).astype(np.uint8)
    raw = cer(VIETNAMESE, _text(recognize(scan, lang="vie+eng", dpi=150, timeout=60).blocks))
    prepared = cer(VIETNAMESE, read(prepare(make_work(scan), ctx), ctx).page.text)
    print(f"unevenly lit page: CER raw {raw:.4f}, prepared {prepared:.4f}")
    assert prepared <= 0.02
    assert prepared < raw
