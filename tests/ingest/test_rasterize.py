"""Pages come out one at a time, as stored where possible, with their resolution."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, DecodedStreamObject, DictionaryObject, NameObject

import ingest.rasterize
from ingest.rasterize import estimate_dpi, iter_pages
from ingest.sources import Source
from sohoa.errors import InputRejected
from sohoa.settings import Settings
from tests.ingest import badfiles
from tests.ingest.pagegen import save_pdf, text_page


def _src(path: Path) -> Source:
    kind = {".pdf": "pdf", ".tif": "tiff"}.get(path.suffix.lower(), "image")
    return Source(path, kind, path.name)  # type: ignore[arg-type]


def _pdfimages_jpeg(pdf: Path, out: Path) -> list[np.ndarray]:
    """The embedded JPEG streams as poppler's pdfimages extracts them (bytes untouched), decoded."""
    subprocess.run(["pdfimages", "-j", str(pdf), str(out / "img")], check=True)
    return [np.asarray(Image.open(p)) for p in sorted(out.glob("img-*.jpg"))]


def _forbid_render(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("re-rendered a page that is one embedded scan image")

    monkeypatch.setattr(ingest.rasterize, "render_page", boom)


def _replace_content(pdf: Path, content: bytes, out: Path, font: bool = False) -> Path:
    writer = PdfWriter(clone_from=pdf)
    page = writer.pages[0]
    stream = DecodedStreamObject()
    stream.set_data(content)
    page.replace_contents(ContentStream(stream, writer))
    if font:
        helvetica = DictionaryObject({
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        })
        resources: Any = page["/Resources"].get_object()
        resources[NameObject("/Font")] = DictionaryObject({NameObject("/F1"): helvetica})
    with out.open("wb") as fh:
        writer.write(fh)
    return out


def test_scanned_pdf_pages_are_the_embedded_images_as_stored(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    scans = [text_page(150, label="trang 1"), text_page(150, label="trang 2")]
    pdf = save_pdf(tmp_path / "scan.pdf", scans, 150)
    _forbid_render(monkeypatch)

    pages = list(iter_pages(_src(pdf), settings))

    expected = _pdfimages_jpeg(pdf, tmp_path)
    assert [p.index for p in pages] == [1, 2]
    assert [p.dpi for p in pages] == [150, 150]  # from image size vs page size, not raster_dpi
    for page, image in zip(pages, expected, strict=True):
        assert page.image.dtype == np.uint8 and page.image.ndim == 2
        assert np.array_equal(page.image, image)


def test_real_bilevel_scan_in_a_pdf_comes_back_pixel_exact(
    tmp_path: Path, settings: Settings, real_scans: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Image.open(real_scans / "phototest.tif")
    pdf = tmp_path / "phototest.pdf"
    original.save(pdf, resolution=200.0)  # PIL stores a bilevel page as one CCITT G4 image
    _forbid_render(monkeypatch)

    (page,) = iter_pages(_src(pdf), settings)

    assert page.dpi == 200
    assert np.array_equal(page.image, np.asarray(original.convert("L")))


def test_colour_scan_page_is_kept_in_colour_as_bgr(tmp_path: Path, settings: Settings) -> None:
    grey = text_page(100)
    rgb = np.dstack([grey, grey, grey]).copy()
    rgb[100:300, 100:300] = (200, 30, 30)  # a red stamp
    pdf = tmp_path / "colour.pdf"
    Image.fromarray(rgb).save(pdf, resolution=100.0)

    (page,) = iter_pages(_src(pdf), settings)

    (expected,) = _pdfimages_jpeg(pdf, tmp_path)
    assert page.image.shape == (*grey.shape, 3)
    assert np.array_equal(page.image, cv2.cvtColor(expected, cv2.COLOR_RGB2BGR))


def test_image_not_covering_the_page_is_rendered(tmp_path: Path, settings: Settings) -> None:
    pdf = save_pdf(tmp_path / "scan.pdf", [text_page(72)], 72)  # page 595 x 842 pt
    inset = _replace_content(pdf, b"q 400 0 0 600 50 50 cm /image Do Q", tmp_path / "inset.pdf")

    (page,) = iter_pages(_src(inset), Settings(raster_dpi=100))

    assert page.dpi == 100
    height, width = page.image.shape
    assert abs(height - 842 / 72 * 100) <= 1 and abs(width - 595 / 72 * 100) <= 1
    assert page.image[10, 10] == 255  # the white margin poppler drew around the image


def test_vector_text_page_is_rendered_in_grey(tmp_path: Path) -> None:
    pdf = save_pdf(tmp_path / "scan.pdf", [text_page(72)], 72)
    text = _replace_content(pdf, b"BT /F1 36 Tf 72 700 Td (So khung) Tj ET", tmp_path / "text.pdf", font=True)

    (page,) = iter_pages(_src(text), Settings(raster_dpi=100))

    assert page.image.ndim == 2
    assert page.dpi == 100
    assert page.image.min() < 64  # the text is there, dark


def test_vector_page_with_colour_is_rendered_in_colour(tmp_path: Path) -> None:
    pdf = save_pdf(tmp_path / "scan.pdf", [text_page(72)], 72)
    red = _replace_content(pdf, b"1 0 0 rg 100 100 200 200 re f", tmp_path / "red.pdf")

    (page,) = iter_pages(_src(red), Settings(raster_dpi=72))

    assert page.image.ndim == 3
    b, g, r = page.image[842 - 200, 200]  # inside the square (PDF y runs upwards)
    assert (r, g, b) == (255, 0, 0)


def test_embedded_false_renders_even_scan_pages(tmp_path: Path) -> None:
    pdf = save_pdf(tmp_path / "scan.pdf", [text_page(150)], 150)
    (page,) = iter_pages(_src(pdf), Settings(raster_dpi=100), embedded=False)
    assert page.dpi == 100
    height, width = page.image.shape
    assert abs(height - 11.69 * 100) <= 1.5 and abs(width - 8.27 * 100) <= 1.5  # poppler rounds up


def test_pdf_pages_are_rendered_one_at_a_time(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = save_pdf(tmp_path / "scan.pdf", [text_page(40, label=str(i)) for i in range(3)], 40)
    calls: list[tuple[int, int]] = []
    real = ingest.poppler.convert_from_path

    def spy(path: Path, **kwargs: Any) -> list[Image.Image]:
        calls.append((kwargs["first_page"], kwargs["last_page"]))
        return real(path, **kwargs)

    monkeypatch.setattr(ingest.poppler, "convert_from_path", spy)
    pages = iter_pages(_src(pdf), Settings(raster_dpi=72), embedded=False)
    next(pages)
    assert calls == [(1, 1)]  # lazily: page 2 is not rendered before it is asked for
    list(pages)
    assert calls == [(1, 1), (2, 2), (3, 3)]


def test_multipage_tiff_frames_in_order_with_their_dpi(
    tmp_path: Path, settings: Settings, real_scans: Path
) -> None:
    photo = np.asarray(Image.open(real_scans / "phototest.tif").convert("L"))
    euro = np.asarray(Image.open(real_scans / "eurotext.tif").convert("L"))
    tif = tmp_path / "two.tif"
    Image.fromarray(photo).save(tif, save_all=True, append_images=[Image.fromarray(euro)], dpi=(300, 300),
                                compression="tiff_lzw")

    pages = list(iter_pages(_src(tif), settings))

    assert [p.index for p in pages] == [1, 2]
    assert [p.dpi for p in pages] == [300, 300]
    assert np.array_equal(pages[0].image, photo)
    assert np.array_equal(pages[1].image, euro)


def test_real_scan_tiff_keeps_its_declared_dpi(settings: Settings, real_scans: Path) -> None:
    (page,) = iter_pages(_src(real_scans / "phototest.tif"), settings)
    assert page.dpi == 200
    assert page.image.shape == (480, 640)
    assert set(np.unique(page.image)) <= {0, 255}


def test_png_dpi_kept_and_jpeg_without_dpi_estimated(tmp_path: Path, settings: Settings) -> None:
    png, jpg = tmp_path / "a.png", tmp_path / "b.jpg"
    Image.fromarray(text_page(200)).save(png, dpi=(200, 200))
    Image.fromarray(text_page(200)).save(jpg)  # no density recorded

    (from_png,) = iter_pages(_src(png), settings)
    (from_jpg,) = iter_pages(_src(jpg), settings)

    assert from_png.dpi == 200
    assert from_jpg.dpi == estimate_dpi(1654, 2338) == 200  # 1654 px / 8.27 in


def test_implausible_declared_dpi_is_replaced_by_the_estimate(tmp_path: Path, settings: Settings) -> None:
    """A phone photo says 72 DPI: that would make a 3000-pixel page 41 inches wide."""
    jpg = tmp_path / "photo.jpg"
    Image.fromarray(text_page(363)).save(jpg, dpi=(72, 72))
    (page,) = iter_pages(_src(jpg), settings)
    assert page.dpi == 363


def test_estimate_dpi_is_clamped() -> None:
    assert estimate_dpi(100, 150) == 72
    assert estimate_dpi(20_000, 30_000) == 600
    assert estimate_dpi(3508, 2480) == 300  # landscape A4: the short side is the width


def test_exif_orientation_is_not_applied(tmp_path: Path, settings: Settings) -> None:
    page = text_page(60)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    path = tmp_path / "sideways.jpg"
    Image.fromarray(page).save(path, exif=exif)
    (raster,) = iter_pages(_src(path), settings)
    assert raster.image.shape == page.shape  # pixels as stored; turning upright is the OCR stage's job


@pytest.mark.parametrize(
    ("mode", "expected_ndim"), [("I;16", 2), ("RGBA", 3), ("P", 2), ("LA", 2), ("CMYK", 3)]
)
def test_image_modes_become_uint8_grey_or_bgr(
    tmp_path: Path, settings: Settings, mode: str, expected_ndim: int
) -> None:
    grey = text_page(40)
    wide = Image.fromarray(grey.astype(np.uint16) * 257)
    image = wide if mode == "I;16" else Image.fromarray(grey).convert(mode)
    path = tmp_path / ("a.tif" if mode == "CMYK" else "a.png")
    image.save(path)
    (raster,) = iter_pages(_src(path), settings)
    assert raster.image.dtype == np.uint8
    assert raster.image.ndim == expected_ndim
    flat = raster.image if raster.image.ndim == 2 else cv2.cvtColor(raster.image, cv2.COLOR_BGR2GRAY)
    assert np.abs(flat.astype(int) - grey.astype(int)).max() <= 2


def test_corrupt_jpeg_is_rejected_naming_file_and_page(tmp_path: Path, settings: Settings) -> None:
    path = badfiles.truncated_jpeg(tmp_path)
    with pytest.raises(InputRejected, match=r"page 1: cannot decode image") as caught:
        list(iter_pages(_src(path), settings))
    assert caught.value.path == str(path)


def test_tiff_cut_in_its_last_page_yields_the_good_pages_then_names_the_bad_one(
    tmp_path: Path, settings: Settings
) -> None:
    path = badfiles.truncated_last_frame_tiff(tmp_path)
    pages = iter_pages(_src(path), settings)
    assert [next(pages).index, next(pages).index] == [1, 2]
    with pytest.raises(InputRejected, match=r"page 3: cannot decode image"):
        next(pages)


def test_embedded_image_pixels_count_against_the_limit(tmp_path: Path) -> None:
    pdf = save_pdf(tmp_path / "scan.pdf", [text_page(150)], 150)  # 1240 x 1754 pixels on an A4 page
    with pytest.raises(InputRejected, match=r"page 1: embedded image of 1240 × 1754 pixels exceeds"):
        list(iter_pages(_src(pdf), Settings(max_pixels=2_000_000)))


def test_oversized_image_on_a_page_to_render_is_refused_before_poppler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = save_pdf(tmp_path / "scan.pdf", [text_page(150)], 150)
    mixed = _replace_content(pdf, b"q 300 0 0 400 50 50 cm /image Do Q BT /F1 12 Tf 72 20 Td (x) Tj ET",
                             tmp_path / "mixed.pdf", font=True)
    _forbid_render(monkeypatch)
    with pytest.raises(InputRejected, match=r"page 1: embedded image of 1240 × 1754 pixels exceeds"):
        list(iter_pages(_src(mixed), Settings(max_pixels=2_000_000, raster_dpi=72)))


def test_pdf_is_read_from_the_open_file_not_loaded_whole(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pypdf given a path reads the whole file into memory; given an open file it seeks lazily."""
    pdf = save_pdf(tmp_path / "scan.pdf", [text_page(40)], 40)
    streams: list[object] = []
    real = ingest.rasterize.open_pdf

    def spy(fh: io.BufferedReader, path: Path) -> PdfReader:
        streams.append(fh)
        return real(fh, path)

    monkeypatch.setattr(ingest.rasterize, "open_pdf", spy)
    list(iter_pages(_src(pdf), settings))
    assert len(streams) == 1
    assert isinstance(streams[0], io.BufferedReader)
