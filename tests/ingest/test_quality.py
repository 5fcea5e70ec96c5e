"""Scan quality: blurred, faded and low-resolution pages are flagged for rescan; clean ones are not.

The thresholds in ingest/quality.py were picked from these generated pages' scores and from
`sohoa samples` dossiers (listed there).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from ingest.quality import BLUR_EDGE_WIDTH, LOW_CONTRAST, assess, edge_width
from ingest.sources import discover
from ingest.stage import load_dossier
from sohoa.context import StageContext
from sohoa.samples.generator import generate
from tests.ingest.pagegen import text_page


@pytest.mark.parametrize("dpi", [300, 200, 150])
def test_clean_page_is_not_flagged(dpi: int) -> None:
    quality = assess(text_page(dpi), dpi)
    assert quality.rescan_advised is False
    assert quality.reasons == ()
    assert quality.dpi == dpi


def test_noisy_but_sharp_page_is_not_flagged() -> None:
    assert assess(text_page(300, noise_sigma=12), 300).reasons == ()


def test_grey_paper_is_not_low_contrast() -> None:
    assert assess(text_page(300, ink=40, paper=225, noise_sigma=5), 300).reasons == ()


@pytest.mark.parametrize(("dpi", "sigma", "noise"), [(300, 2.0, 0.0), (300, 2.0, 12.0), (200, 3.0, 0.0)])
def test_blurred_page_is_flagged(dpi: int, sigma: float, noise: float) -> None:
    page = text_page(dpi, blur_sigma=sigma, noise_sigma=noise)
    quality = assess(page, dpi)
    assert quality.rescan_advised is True
    assert "blurred" in quality.reasons
    assert edge_width(page, dpi) > BLUR_EDGE_WIDTH


def test_low_contrast_page_is_flagged_as_such_and_not_as_blurred() -> None:
    quality = assess(text_page(300, ink=150, paper=210), 300)
    assert quality.reasons == ("low contrast",)
    assert quality.contrast < LOW_CONTRAST


def test_low_resolution_is_flagged() -> None:
    quality = assess(text_page(100), 100)
    assert "resolution below 150 DPI" in quality.reasons
    assert "blurred" not in quality.reasons


def test_sharpness_is_comparable_across_resolutions() -> None:
    at_300 = assess(text_page(300), 300).sharpness
    at_200 = assess(text_page(200), 200).sharpness
    blurred = assess(text_page(300, blur_sigma=2.0), 300).sharpness
    assert 0.66 < at_200 / at_300 < 1.5
    assert blurred < 0.5 * min(at_300, at_200)


def test_edge_width_measures_the_blur_whatever_the_resolution_and_contrast() -> None:
    sharp = [edge_width(text_page(dpi), dpi) for dpi in (300, 200)]
    faded = edge_width(text_page(300, ink=150, paper=210), 300)
    blurred = [edge_width(text_page(dpi, blur_sigma=2.0), dpi) for dpi in (300, 200)]
    assert max([*sharp, faded]) < 1.4
    assert all(1.8 < width < 2.2 for width in blurred)


def test_sparse_form_page_is_not_low_contrast() -> None:
    """A page with one short line of ink on white: contrast is measured where the ink is."""
    page = np.full((3508, 2480), 255, np.uint8)
    cv2.putText(page, "So khung: RLHJA3918MY012345", (240, 400), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 0, 4)
    assert assess(page, 300).reasons == ()


def test_colour_page_and_blank_page() -> None:
    colour = cv2.cvtColor(text_page(150), cv2.COLOR_GRAY2BGR)
    assert assess(colour, 150).reasons == ()
    blank = assess(np.full((1754, 1240), 250, np.uint8), 150)
    assert blank.rescan_advised is False
    assert blank.sharpness == 0.0


@pytest.mark.parametrize("name", ["phototest.tif", "eurotext.tif"])
def test_real_scans_are_not_flagged(real_scans: Path, name: str) -> None:
    with Image.open(real_scans / name) as scan:
        dpi = round(scan.info["dpi"][0])
        quality = assess(np.asarray(scan.convert("L")), dpi)
    assert quality.reasons == ()


def test_real_scan_blurred_is_flagged(real_scans: Path) -> None:
    with Image.open(real_scans / "eurotext.tif") as scan:
        blurred = cv2.GaussianBlur(np.asarray(scan.convert("L")), (0, 0), 2.0)
    assert "blurred" in assess(blurred, 300).reasons


def test_sample_dossiers_clean_pass_and_poor_are_advised(tmp_path: Path, ctx: StageContext) -> None:
    """Realistic pages (`sohoa samples`: forms, certificate and ID-card copies, rubbings)."""
    rescans = {}
    for level in ("clean", "poor"):
        generate(tmp_path / level, 1, 5, level, fmt="pdf", dpi=200)
        scans = [p for p in (tmp_path / level).iterdir() if not p.name.endswith(".truth.json")]
        sources, rejected = discover(scans)
        assert rejected == []
        pages = [w.page for source in sources for w in load_dossier(source, ctx)]
        rescans[level] = [bool(p.quality and p.quality.rescan_advised) for p in pages]
    assert not any(rescans["clean"])
    assert len(rescans["poor"]) == 4
    assert sum(rescans["poor"]) >= 3
