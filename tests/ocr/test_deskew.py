"""Deskew: the skew of generated pages with known angles is measured within 0.2° (median) / 0.5° (max)."""

from __future__ import annotations

import numpy as np
import pytest

from ocr.deskew import deskew, measure_skew
from sohoa.context import StageContext
from sohoa.samples import faults
from tests.ocr.conftest import make_work
from tests.ocr.pages import LOREM, NOTO_SERIF, SANS, VIETNAMESE, draw_page

ANGLES = (-9.8, -7.3, -4.6, -2.5, -1.2, -0.35, 0.4, 1.15, 2.8, 5.1, 7.75, 9.9)


def test_known_angles_are_measured_within_target() -> None:
    """12 angles in ±10° on 150-DPI Vietnamese pages (two fonts, some noised): median ≤ 0.2°, max ≤ 0.5°."""
    rng = np.random.default_rng(7)
    pages = (draw_page(VIETNAMESE, dpi=150), draw_page(LOREM, dpi=150, font=NOTO_SERIF, point_size=12))
    errors = []
    for i, angle in enumerate(ANGLES):
        scan = faults.skew(pages[i % 2], angle)
        if i % 3 == 0:
            scan = faults.noise(scan, 12, rng)
        measured = measure_skew(scan)
        assert measured is not None, f"no skew found at {angle}°"
        errors.append(abs(measured - angle))
    print("deskew abs errors (deg):", [round(e, 3) for e in errors],
          f"median {np.median(errors):.3f} max {max(errors):.3f}")
    assert np.median(errors) <= 0.2
    assert max(errors) <= 0.5


def test_positive_skew_means_counter_clockwise_and_deskew_levels_it(ctx: StageContext) -> None:
    scan = faults.skew(draw_page(VIETNAMESE, dpi=150, font=SANS), 4.0)  # turned counter-clockwise
    work = make_work(scan)
    done = deskew(work, ctx)
    assert done.page.skew == pytest.approx(4.0, abs=0.3)
    assert "deskew" in done.page.stages
    assert (done.page.width, done.page.height) == (done.image.shape[1], done.image.shape[0])
    after = measure_skew(done.image)
    assert after is not None and abs(after) <= 0.2
    assert work.image is scan and work.page.skew == 0.0  # the input value is untouched


@pytest.mark.parametrize("noise", [0.0, 15.0], ids=["white", "noisy"])
def test_blank_page_is_left_untouched(noise: float, ctx: StageContext) -> None:
    blank = np.full((1754, 1240), 255, np.uint8)
    if noise:
        blank = faults.noise(blank, noise, np.random.default_rng(3))
    work = make_work(blank)
    assert measure_skew(blank) is None
    done = deskew(work, ctx)
    assert done.page.skew == 0.0
    assert np.array_equal(done.image, blank)


def test_dark_scan_border_does_not_bias_the_angle() -> None:
    page = faults.skew(draw_page(VIETNAMESE, dpi=150), -3.0)
    page = page.copy()
    page[:, :70] = 25  # a black band where the scanner lid did not cover the glass
    page[-50:, :] = 25
    measured = measure_skew(page)
    assert measured is not None and abs(measured + 3.0) <= 0.3


def test_colour_page_is_measured() -> None:
    gray = faults.skew(draw_page(VIETNAMESE, dpi=150), 2.0)
    colour = np.dstack([gray, gray, np.minimum(gray.astype(np.int32) + 30, 255).astype(np.uint8)])
    measured = measure_skew(colour)
    assert measured is not None and abs(measured - 2.0) <= 0.3
