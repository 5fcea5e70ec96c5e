"""Pages arrive in several pixel formats; the stages see them as 8-bit grey where they measure."""

from __future__ import annotations

import numpy as np

from ocr.deskew import measure_skew
from ocr.raster import downscale, to_gray
from ocr.tesseract import recognize
from sohoa.samples import faults
from tests.ocr.pages import VIETNAMESE, draw_page


def test_formats_become_8_bit_grey() -> None:
    gray = np.array([[0, 128, 255]], np.uint8)
    bgr = np.dstack([gray] * 3)
    bgra = np.dstack([gray, gray, gray, np.full_like(gray, 255)])
    sixteen = gray.astype(np.uint16) * 257
    for image in (gray, bgr, bgra, sixteen, gray[:, :, None]):
        out = to_gray(image)
        assert out.dtype == np.uint8 and out.shape == (1, 3)
        assert out.tolist() == [[0, 128, 255]]


def test_downscale_keeps_small_pages() -> None:
    small = np.zeros((100, 80), np.uint8)
    assert downscale(small) is small
    assert max(downscale(np.zeros((3400, 2400), np.uint8)).shape) == 1700


def test_sixteen_bit_colour_scan_is_measured_and_read() -> None:
    lines = VIETNAMESE.splitlines()
    page = faults.skew(draw_page("\n".join([lines[1], lines[3], lines[8], lines[9]]), dpi=150), 1.5)
    colour16 = np.dstack([page] * 3).astype(np.uint16) * 257
    skew = measure_skew(colour16)
    assert skew is not None and abs(skew - 1.5) <= 0.3
    result = recognize(colour16, lang="vie+eng", dpi=150, timeout=60)
    assert "Nguyễn" in " ".join(w.text for b in result.blocks for line in b.lines for w in line.words)
