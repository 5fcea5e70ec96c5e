"""Cleaning: borders go, paper turns white, noise is filtered — and the thin Vietnamese marks stay."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocr.clean import clean, clean_image, paper_noise, remove_borders, sauvola
from ocr.metrics import cer
from ocr.tesseract import recognize
from sohoa.context import StageContext
from sohoa.samples import faults
from tests.ocr.conftest import make_work
from tests.ocr.pages import SANS, VIETNAMESE, draw_page


def _read(image: np.ndarray, dpi: int) -> str:
    return "\n".join(b.text for b in recognize(image, lang="vie+eng", dpi=dpi, timeout=60).blocks)


def test_clean_page_is_left_as_it_is() -> None:
    """On white paper with black ink there is nothing to clean: not one pixel (no dot or hook) changes."""
    page = draw_page(VIETNAMESE, dpi=150)
    assert np.array_equal(clean_image(page, 150), page)


def test_noisy_page_keeps_its_diacritics(ctx: StageContext) -> None:
    """Heavy sensor noise (σ=40, where raw Tesseract reads nothing): the cleaned page is read at
    CER ≤ 2% with its marks. A 3×3 median filter, the usual quick denoiser, is measured beside
    it: it erases dots and hooks."""
    page = draw_page(VIETNAMESE, dpi=150, font=SANS, point_size=10)
    noisy = faults.noise(page, 40, np.random.default_rng(2))
    assert paper_noise(noisy) > paper_noise(page) + 5
    cleaned = clean(make_work(noisy), ctx)
    clean_text = _read(cleaned.image, 150)
    clean_cer = cer(VIETNAMESE, clean_text)
    median_cer = cer(VIETNAMESE, _read(cv2.medianBlur(noisy, 3), 150))
    print(f"noise σ=40: CER median-3 {median_cer:.4f}, cleaned {clean_cer:.4f}")
    assert clean_cer <= 0.02
    assert clean_cer < median_cer
    for word in ("Nguyễn", "Hường", "Đạo", "được", "những"):
        assert word in clean_text
    assert cleaned.page.stages[-1] == "clean"


def test_dark_scan_border_is_removed_and_text_kept() -> None:
    page = draw_page(VIETNAMESE, dpi=150)
    scan = page.copy()
    scan[:, :60] = 20  # the dark band beside a page that did not cover the glass
    scan[:40, :] = 30
    cleaned = remove_borders(scan)
    assert cleaned[:, :60].min() == 255 and cleaned[:40, :].min() == 255
    text = (slice(100, 1200), slice(100, 1100))
    assert np.count_nonzero(cleaned[text] < 128) == np.count_nonzero(page[text] < 128)


@pytest.mark.parametrize("side", ["top", "bottom", "left", "right"])
def test_border_on_any_one_side_is_found(side: str) -> None:
    """The page edge is screened side by side before the page is searched: each side counts."""
    page = draw_page(VIETNAMESE, dpi=150)
    scan = page.copy()
    band = {"top": (slice(0, 8), slice(None)), "bottom": (slice(-8, None), slice(None)),
            "left": (slice(None), slice(0, 8)), "right": (slice(None), slice(-8, None))}[side]
    scan[band] = 25
    assert remove_borders(scan)[band].min() == 255


def test_dark_region_off_the_edge_is_kept() -> None:
    """A black box that does not touch the edge (a photo, a stamp) is no scan border."""
    scan = draw_page(VIETNAMESE, dpi=150).copy()
    scan[10:400, 10:-10] = 0
    assert np.array_equal(remove_borders(scan), scan)


def test_uneven_light_becomes_white_paper() -> None:
    page = draw_page(VIETNAMESE, dpi=150)
    shade = np.linspace(0.6, 1.0, page.shape[1], dtype=np.float32)[None, :]
    scan = (page.astype(np.float32) * shade).astype(np.uint8)
    cleaned = clean_image(scan, 150)
    paper = page == 255
    assert scan[paper].min() < 160  # the shadowed side of the paper was mid-grey
    assert np.percentile(cleaned[paper], 1) >= 240
    assert np.percentile(cleaned[page == 0], 99) <= 60  # ink is still ink


def test_greyscale_is_kept_because_it_reads_better_than_sauvola() -> None:
    """Why BINARIZE is False: on a fair page (noise, JPEG) the cleaned greyscale reads at a CER no
    higher than the same page binarized by Sauvola (Tesseract then binarizes clean paper itself)."""
    page = faults.jpeg(faults.noise(draw_page(VIETNAMESE, dpi=150, font=SANS, point_size=10), 8,
                                    np.random.default_rng(4)), 45)
    grey = clean_image(page, 150)
    binary = clean_image(page, 150, binarize=True)
    assert set(np.unique(binary)) <= {0, 255}
    grey_cer, binary_cer = cer(VIETNAMESE, _read(grey, 150)), cer(VIETNAMESE, _read(binary, 150))
    print(f"fair page: CER greyscale {grey_cer:.4f}, Sauvola {binary_cer:.4f}")
    assert grey_cer <= binary_cer
    assert grey_cer <= 0.02


def test_sauvola_is_black_on_white() -> None:
    page = draw_page("Số máy: JF58E1234567", dpi=150)
    binary = sauvola(page, 150)
    assert binary[0, 0] == 255 and np.count_nonzero(binary == 0) > 0
    assert np.count_nonzero(binary == 0) == pytest.approx(np.count_nonzero(page < 128), rel=0.3)


def _form_page(raise_px: int, dpi: int = 200) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Labels followed by dotted leader lines with values typed ``raise_px`` above them (as on
    Mẫu 01 / ĐKX10); also the mask of the typed values' own pixels."""
    from PIL import Image, ImageDraw, ImageFont

    from tests.ocr.pages import SERIF

    rows = [("Tên chủ xe:", "Nguyễn Thị Ngọc Hường"), ("Địa chỉ:", "77 Lạc Long Quân, phường Tân Thành"),
            ("Số máy:", "JF58E1234567"), ("Nhãn hiệu:", "Honda Vision đỏ đen")]
    size = (round(8.27 * dpi), round(4 * dpi))
    page, values = Image.new("L", size, 255), Image.new("L", size, 255)
    draw, draw_values = ImageDraw.Draw(page), ImageDraw.Draw(values)
    label_font = ImageFont.truetype(str(SERIF), round(11 * dpi / 72))
    value_font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", round(11 * dpi / 72))
    y = round(0.5 * dpi)
    for label, value in rows:
        draw.text((round(0.6 * dpi), y), label, font=label_font, fill=0)
        x0 = round(0.6 * dpi) + round(draw.textlength(label + " ", font=label_font))
        draw.text((x0, y), "." * 150, font=label_font, fill=0)  # the preprinted leader
        for target in (draw, draw_values):
            target.text((x0 + 10, y - raise_px), value, font=value_font, fill=0)
        y += round(0.45 * dpi)
    return np.asarray(page), np.asarray(values) < 200, [v for _, v in rows]


def test_leader_removal_never_erases_typed_text() -> None:
    """Values typed right on the dotted line: the leader dots go, not one pixel of the values
    (the dot below ạ/ị/ọ sits on the leader's row and must stay)."""
    page, value_mask, _ = _form_page(raise_px=6)
    erased = clean_image(page, 200) > clean_image(page, 200, leaders=False)
    assert np.count_nonzero(erased) > 500
    assert not np.any(erased & value_mask)


def test_values_typed_over_leaders_are_read_verbatim(ctx: StageContext) -> None:
    """Values typed clear above the dots are read at least as well with the leaders removed."""
    page, _, values = _form_page(raise_px=16)
    text_clean = " ".join(_read(clean_image(page, 200), 200).split())
    text_kept = " ".join(_read(clean_image(page, 200, leaders=False), 200).split())
    found, without = sum(v in text_clean for v in values), sum(v in text_kept for v in values)
    print(f"typed values read verbatim: {found}/{len(values)} with leader removal, {without} without")
    assert found >= without
    assert found >= len(values) - 1
