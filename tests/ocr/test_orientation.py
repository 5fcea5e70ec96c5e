"""Orientation: real scans turned left, right and upside down, and generated Vietnamese pages at
all four rotations, come out upright; each kind of evidence alone gets them right too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import ocr.orientation as orientation
from ocr.orientation import find_rotation, upright
from sohoa.context import StageContext
from sohoa.errors import ToolError
from sohoa.samples import faults
from tests.ocr.conftest import load_gray, make_work
from tests.ocr.pages import SANS, VIETNAMESE, draw_page

REAL = {"phototest.tif": 0, "phototest-rotated-L.png": 90, "phototest-rotated-R.png": 270,
        "phototest-rotated-180.png": 180}


@pytest.fixture(scope="module")
def vietnamese_page() -> np.ndarray:
    """A fair 150-DPI scan: Vietnamese text, skewed 2°, noised."""
    page = faults.skew(draw_page(VIETNAMESE, dpi=150, font=SANS), 2.0)
    return faults.noise(page, 10, np.random.default_rng(5))


@pytest.mark.parametrize("name", list(REAL))
def test_real_rotated_scans_come_out_upright(name: str, scans: Path, ctx: StageContext) -> None:
    original = load_gray(scans / "phototest.tif")
    done = upright(make_work(load_gray(scans / name), dpi=200), ctx)
    assert done.page.rotation == REAL[name]
    assert np.array_equal(done.image, original)  # these files are exact turns of the original
    assert (done.page.width, done.page.height) == (original.shape[1], original.shape[0])


@pytest.mark.parametrize("turned", [0, 90, 180, 270])
def test_generated_vietnamese_page_at_each_rotation(turned: int, vietnamese_page: np.ndarray,
                                                    ctx: StageContext) -> None:
    scan = faults.rotate90(vietnamese_page, turned)
    done = upright(make_work(scan), ctx)
    assert (done.page.rotation + turned) % 360 == 0
    assert np.array_equal(done.image, vietnamese_page)
    assert "upright" in done.page.stages


def _only(evidence: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Disable every kind of evidence except ``evidence`` (the line axis always stays)."""
    if evidence != "shape":
        monkeypatch.setattr(orientation, "SHAPE_SURE", 10.0)
    if evidence != "osd":
        monkeypatch.setattr(orientation, "OSD_SURE", 1e9)


@pytest.mark.parametrize(("evidence", "turned"), [("shape", 90), ("shape", 180), ("osd", 180), ("osd", 270),
                                                  ("reading", 90)])
def test_each_kind_of_evidence_alone(evidence: str, turned: int, vietnamese_page: np.ndarray,
                                     ctx: StageContext, monkeypatch: pytest.MonkeyPatch) -> None:
    _only(evidence, monkeypatch)
    if evidence == "shape":  # the shape vote must decide by itself: Tesseract must not be asked
        monkeypatch.setattr(orientation.tesseract, "detect_orientation", _fail)
        monkeypatch.setattr(orientation.tesseract, "word_confidence", _fail)
    if evidence == "osd":
        monkeypatch.setattr(orientation.tesseract, "word_confidence", _fail)
    rotation = find_rotation(faults.rotate90(vietnamese_page, turned), 150, ctx)
    assert (rotation + turned) % 360 == 0


def _fail(*args: object, **kwargs: object) -> None:
    raise AssertionError("this evidence was meant to be unused")


@pytest.mark.parametrize("turned", [90, 180])
def test_sparse_form_lines_without_a_clear_shape(turned: int, ctx: StageContext) -> None:
    """Two lines of identifiers: too little for the shape vote, so Tesseract's evidence decides."""
    page = draw_page("Số khung: RLHJF5810KY123456\n\n\n\nSố máy: JF58E1234567", dpi=150)
    assert find_rotation(faults.rotate90(page, turned), 150, ctx) == (360 - turned) % 360


def test_blank_page_stays_as_it_is(ctx: StageContext) -> None:
    blank = np.full((1100, 850), 255, np.uint8)
    done = upright(make_work(blank), ctx)
    assert done.page.rotation == 0
    assert done.image is blank


@pytest.mark.parametrize(("name", "turned"), [("phototest-rotated-180.png", 180), ("phototest-rotated-L.png", 270)])
def test_reading_a_band_decides_without_reading_the_whole_page(name: str, turned: int, scans: Path, ctx: StageContext,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Orientation by reading: a band of text lines, read both ways in one run, settles a real turned scan
    while Tesseract sees far fewer pixels than two readings of the whole page."""
    _only("reading", monkeypatch)
    monkeypatch.setattr(orientation.tesseract, "word_confidence", _fail)  # the whole page must not be read
    seen: list[np.ndarray] = []
    real = orientation.tesseract.word_confidences

    def spy(images: list[np.ndarray], **kwargs: object) -> list[tuple[float, int]]:
        seen.extend(images)
        return real(images, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(orientation.tesseract, "word_confidences", spy)
    scan = load_gray(scans / name)
    small, _ = orientation.small_copy(scan, 200)
    assert find_rotation(scan, 200, ctx) == (360 - turned) % 360
    assert len(seen) == 2 and seen[0].shape == seen[1].shape
    assert sum(image.size for image in seen) < 0.5 * small.size  # two band readings < half of ONE page reading


def test_a_failed_band_reading_falls_back_to_reading_the_whole_page(scans: Path, ctx: StageContext,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Tesseract dying on the band (a ToolError) costs the page nothing: the whole page is read both ways."""
    _only("reading", monkeypatch)

    def crash(*args: object, **kwargs: object) -> None:
        raise ToolError("tesseract exited with status -8")

    whole: list[int] = []
    real = orientation.tesseract.word_confidence

    def spy(*args: Any, **kwargs: Any) -> Any:
        whole.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(orientation.tesseract, "word_confidences", crash)
    monkeypatch.setattr(orientation.tesseract, "word_confidence", spy)
    scan = load_gray(scans / "phototest-rotated-180.png")
    assert find_rotation(scan, 200, ctx) == 180
    assert len(whole) == 2
