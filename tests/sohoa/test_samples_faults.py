"""The scanner-fault functions do exactly what their truth records say."""

from __future__ import annotations

import unicodedata

import cv2
import numpy as np
import pytest

from sohoa.errors import ToolMissing
from sohoa.samples import render
from sohoa.samples.faults import (
    PROFILES,
    ScanProfile,
    blur,
    edge_shadow,
    jpeg,
    low_contrast,
    noise,
    punch_holes,
    resample_dpi,
    rotate90,
    skew,
    stamp,
)
from sohoa.samples.render import font, text_page


def _line_page(width: int = 1200, height: int = 900, thickness: int = 4) -> np.ndarray:
    img = np.full((height, width), 255, np.uint8)
    img[height // 2 : height // 2 + thickness, 150 : width - 150] = 0
    return img


def _ink(img: np.ndarray) -> np.ndarray:
    """Binarize a noisy, faded scan: median filter, then halfway between ink and paper."""
    smooth = cv2.medianBlur(img, 5)
    threshold = (float(np.median(smooth)) + float(smooth.min())) / 2
    return np.where(smooth < threshold, 0, 255).astype(np.uint8)


def _measured_ccw_degrees(img: np.ndarray) -> float:
    """Angle of the dark line's least-squares fit, + = counter-clockwise (image y grows down)."""
    ys, xs = np.nonzero(img < 128)
    slope = np.polyfit(xs.astype(float), ys.astype(float), 1)[0]
    return float(-np.degrees(np.arctan(slope)))


@pytest.mark.parametrize("degrees", [-9.5, -3.0, -0.7, 0.4, 2.5, 7.25])
@pytest.mark.parametrize("expand", [True, False])
def test_skew_turns_a_line_by_the_requested_angle(degrees: float, expand: bool) -> None:
    out = skew(_line_page(), degrees, expand=expand)
    assert abs(_measured_ccw_degrees(out) - degrees) < 0.05


def test_skew_expands_the_canvas_and_fills_white() -> None:
    page = _line_page()
    out = skew(page, 8.0)
    assert out.shape[0] > page.shape[0] and out.shape[1] > page.shape[1]
    assert out[0, 0] == 255 and out[-1, -1] == 255
    assert skew(page, 8.0, expand=False).shape == page.shape


def test_rotate90_is_clockwise_and_checks_its_argument() -> None:
    img = np.zeros((2, 3), np.uint8)
    img[0, 0] = 9  # top-left corner
    assert rotate90(img, 90).shape == (3, 2)
    assert rotate90(img, 90)[0, -1] == 9  # clockwise: top-left goes to top-right
    assert rotate90(img, 180)[-1, -1] == 9
    assert rotate90(img, 270)[-1, 0] == 9
    assert np.array_equal(rotate90(rotate90(img, 90), 270), img)
    with pytest.raises(ValueError, match="rotation"):
        rotate90(img, 45)


def test_faults_are_pure_and_seeded() -> None:
    page = text_page(["Giấy khai đăng ký xe", "Số khung: RLHJC5202NY123456"], dpi=100)
    before = page.copy()
    a = noise(page, 8.0, np.random.default_rng(3))
    b = noise(page, 8.0, np.random.default_rng(3))
    assert np.array_equal(a, b) and not np.array_equal(a, page)
    for out in (
        blur(page, 1.2),
        low_contrast(page, 0.5),
        jpeg(page, 30),
        stamp(page, np.random.default_rng(1)),
    ):
        assert out.dtype == np.uint8 and out.shape == page.shape
        assert not np.array_equal(out, page)
    assert np.array_equal(page, before)


def test_low_contrast_and_blur_reduce_spread() -> None:
    page = text_page(["Độc lập - Tự do - Hạnh phúc"] * 5, dpi=100)
    faded = low_contrast(page, 0.5)
    assert int(faded.min()) > 100 and int(faded.max()) < 255
    assert blur(page, 2.0).min() > page.min()


def test_stamp_is_red_on_colour_and_grey_on_greyscale() -> None:
    white = np.full((600, 600, 3), 255, np.uint8)
    red = stamp(white, np.random.default_rng(0), center=(300, 300), radius=150)
    inked = red[red.astype(int).sum(axis=2) < 600].astype(int)
    assert len(inked) > 1000
    assert (inked[:, 0] > inked[:, 1] + 40).mean() > 0.95  # red dominates where there is ink
    grey = stamp(white[..., 0], np.random.default_rng(0), center=(300, 300), radius=150)
    assert grey.ndim == 2 and (grey < 200).sum() > 1000


def test_resample_dpi_scales_size() -> None:
    page = np.full((2339, 1654), 255, np.uint8)
    assert resample_dpi(page, 200, 300).shape == (3508, 2481)
    assert resample_dpi(page, 200, 150).shape == (1754, 1240)


@pytest.mark.parametrize("level", ["clean", "fair", "poor"])
def test_profile_records_the_skew_and_rotation_it_applied(level: str) -> None:
    page = _line_page(1000, 700, thickness=3)
    profile = ScanProfile.of(level)  # type: ignore[arg-type]
    rng = np.random.default_rng(11)
    for _ in range(6):
        out, truth = profile.apply(page, rng, dpi=200, target_dpi=200)
        assert abs(truth.skew) <= profile.max_skew
        assert truth.rotation in (0, 90, 180, 270)
        assert (truth.rotation + truth.upright_rotation) % 360 == 0
        upright = rotate90(out, truth.upright_rotation)
        assert upright.shape[1] > upright.shape[0]  # landscape line page is upright again
        if not (truth.stamped or truth.shadow or truth.punched):  # those add dark blobs beside the line
            assert abs(_measured_ccw_degrees(_ink(upright)) - truth.skew) < 0.3


def test_profile_levels_get_worse() -> None:
    assert PROFILES["clean"].max_skew < PROFILES["fair"].max_skew <= 5 < PROFILES["poor"].max_skew <= 10
    assert PROFILES["clean"].rotate_prob == 0


def test_fonts_cover_vietnamese_and_text_is_nfc() -> None:
    fnt = font(40, serif=True)
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hương")
    page = text_page([decomposed], dpi=100)
    assert page.min() == 0
    # a precomposed letter with two marks renders as one glyph, not a missing-glyph box
    assert fnt.getbbox("ễ")[3] - fnt.getbbox("ễ")[1] > fnt.getbbox("e")[3] - fnt.getbbox("e")[1]


def test_missing_fonts_name_the_debian_package(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(render, "FONT_DIRS", (tmp_path,))
    render.font.cache_clear()
    try:
        with pytest.raises(ToolMissing, match="fonts-dejavu-core"):
            font(20)
    finally:
        render.font.cache_clear()


def test_profile_rotation_truth_turns_the_page_back_upright() -> None:
    page = np.full((400, 300), 255, np.uint8)
    page[20:80, 20:80] = 0  # a mark in the top-left corner tells upright from upside-down
    profile = ScanProfile.of("poor").model_copy(
        update={"rotate_prob": 1.0, "stamp_prob": 0.0, "holes_prob": 0.0, "shadow_prob": 0.0}
    )
    rng = np.random.default_rng(4)
    seen = set()
    for _ in range(12):
        out, truth = profile.apply(page, rng, dpi=100, target_dpi=100)
        seen.add(truth.rotation)
        upright = rotate90(out, truth.upright_rotation)
        ys, xs = np.nonzero(_ink(upright) == 0)
        assert ys.mean() < upright.shape[0] / 3 and xs.mean() < upright.shape[1] / 3
    assert seen == {90, 180, 270}


def test_punch_holes_and_edge_shadow() -> None:
    page = np.full((1169, 827), 255, np.uint8)  # A4 at 100 DPI
    holed = punch_holes(page, 100)
    dark = np.nonzero(holed < 100)
    assert dark[1].max() < 100 / 25.4 * 16  # in the left margin
    assert len(set((dark[0] // 100).tolist())) == 2  # two holes, 80 mm apart
    shaded = edge_shadow(page, np.random.default_rng(2), width_px=40)
    assert shaded.min() < 60 and (shaded < 250).mean() < 0.06
    edges = [shaded[0].mean(), shaded[-1].mean(), shaded[:, 0].mean(), shaded[:, -1].mean()]
    assert min(edges) < 60 and sorted(edges)[1] > 200  # one edge darkened, not the others
