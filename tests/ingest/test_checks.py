"""Bad input is refused with one clear reason naming the file, before any raster work."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

import ingest.rasterize
from ingest.checks import check_source, sniff
from ingest.sources import Source
from ingest.stage import load_dossier
from sohoa.context import StageContext
from sohoa.errors import InputRejected
from sohoa.settings import Settings
from tests.ingest import badfiles
from tests.ingest.batch import ingest_batch
from tests.ingest.pagegen import save_tiff, text_page


def _file_source(path: Path) -> Source:
    kind = {".pdf": "pdf", ".tif": "tiff", ".tiff": "tiff"}.get(path.suffix.lower(), "image")
    return Source(path, kind, path.name)  # type: ignore[arg-type]


def _forbid_raster(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any rasterizing fail the test: checks must refuse before pixels are touched."""

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("rasterized a file that the checks should have refused")

    monkeypatch.setattr(ingest.rasterize, "render_page", boom)
    monkeypatch.setattr(ingest.rasterize, "_image_frames", boom)
    monkeypatch.setattr(ingest.rasterize, "_pdf_pages", boom)


def test_every_bad_input_rejected_with_its_reason_and_good_files_still_processed(
    tmp_path: Path, ctx: StageContext, real_scans: Path
) -> None:
    bad = badfiles.make_all(tmp_path)
    good_pdf = badfiles.good_pdf(tmp_path, "ho-so-tot.pdf", pages=2)
    good_tiff = save_tiff(tmp_path / "ho-so-tot.tif", [text_page(100), text_page(100, label="2")], 100)
    notes = tmp_path / "ghi-chu.txt"
    notes.write_text("không phải bản quét")

    results = ingest_batch([*bad, good_pdf, notes, good_tiff, real_scans / "phototest.tif"], ctx)

    for path in bad:
        result = results[path.name]
        assert result.reason is not None, f"{path.name} was not rejected"
        assert badfiles.EXPECTED_REASONS[path.name] in result.reason, (path.name, result.reason)
        assert result.path == str(path)
    assert results["ghi-chu.txt"].reason == "unsupported file type ('.txt')"
    assert [p.index for p in results["ho-so-tot.pdf"].pages] == [1, 2]
    assert [p.index for p in results["ho-so-tot.tif"].pages] == [1, 2]
    assert [p.dpi for p in results["phototest.tif"].pages] == [200]


@pytest.mark.parametrize(
    "maker",
    [
        badfiles.empty_pdf, badfiles.html_named_jpg, badfiles.truncated_pdf, badfiles.garbage_pdf,
        badfiles.encrypted_pdf, badfiles.huge_page_pdf, badfiles.png_bomb, badfiles.broken_chain_tiff,
    ],
)
def test_refused_by_the_checks_before_any_raster_work(
    maker: object, tmp_path: Path, ctx: StageContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = maker(tmp_path)  # type: ignore[operator]
    _forbid_raster(monkeypatch)
    with pytest.raises(InputRejected) as caught:
        list(load_dossier(_file_source(path), ctx))
    assert badfiles.EXPECTED_REASONS[path.name] in caught.value.message
    assert str(path) in str(caught.value)


def test_ten_thousand_page_pdf_rejected_without_rasterizing(
    tmp_path: Path, ctx: StageContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = badfiles.many_pages_pdf(tmp_path)
    _forbid_raster(monkeypatch)
    with pytest.raises(InputRejected) as caught:
        list(load_dossier(_file_source(path), ctx))
    assert caught.value.message == "PDF has 10000 pages (limit 500)"
    assert caught.value.path == str(path)


def test_page_limit_follows_the_setting(tmp_path: Path) -> None:
    path = badfiles.good_pdf(tmp_path, pages=3)
    check_source(_file_source(path), Settings(max_pages=3))
    with pytest.raises(InputRejected, match=r"PDF has 3 pages \(limit 2\)"):
        check_source(_file_source(path), Settings(max_pages=2))


def test_tiff_with_more_frames_than_the_limit(tmp_path: Path) -> None:
    path = save_tiff(tmp_path / "long.tif", [text_page(40, label=str(i)) for i in range(4)], 40)
    with pytest.raises(InputRejected, match=r"TIFF has 4 pages \(limit 3\)"):
        check_source(_file_source(path), Settings(max_pages=3))


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    Image.fromarray(text_page(100)).save(path)
    with pytest.raises(InputRejected, match=r"file is \d+\.\d KB \(limit 1\.0 KB\)"):
        check_source(_file_source(path), Settings(max_file_bytes=1024))


def test_real_image_over_the_pixel_limit(tmp_path: Path) -> None:
    path = tmp_path / "large.png"
    Image.new("L", (1100, 1000), 255).save(path)
    with pytest.raises(InputRejected, match=r"1100 × 1000 pixels exceeds the limit of 1,000,000"):
        check_source(_file_source(path), Settings(max_pixels=1_000_000))


def test_pdf_readable_with_empty_user_password_is_accepted(tmp_path: Path, ctx: StageContext) -> None:
    """Owner-password-only PDFs (printing restricted) open without a password: not refused."""
    path = badfiles.encrypted_pdf(tmp_path, user_password="")
    pages = list(load_dossier(_file_source(path), ctx))
    assert [w.page.index for w in pages] == [1, 2]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("a.png", b"\xff\xd8\xff\xe0\x00\x10JFIF", "not a PNG (content is JPEG)"),
        ("a.pdf", b"PK\x03\x04\x14\x00", "not a PDF (content is ZIP)"),
        ("a.tif", b"\x89PNG\r\n\x1a\n\x00\x00", "not a TIFF (content is PNG)"),
        ("a.jpeg", b"\x00\x01\x02\x03\xfe\xff", "not a JPEG (content is unrecognised)"),
        ("a.jpg", "Xin chào, đây là văn bản".encode(), "not a JPEG (content is text)"),
    ],
)
def test_content_not_what_the_name_says(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content * 10)
    with pytest.raises(InputRejected) as caught:
        check_source(_file_source(path), Settings())
    assert caught.value.message == reason


def test_sniff_knows_the_scan_formats() -> None:
    assert sniff(b"%PDF-1.4\n") == "PDF"
    assert sniff(b"\r\n%PDF-1.7") == "PDF"  # junk before the header, as readers tolerate
    assert sniff(b"II*\x00\x08\x00") == "TIFF"
    assert sniff(b"MM\x00*\x00\x00") == "TIFF"
    assert sniff(b"  <html><body>") == "HTML"


def test_folder_with_a_bad_page_is_rejected_naming_that_page(tmp_path: Path, ctx: StageContext) -> None:
    folder = tmp_path / "ho-so-12"
    folder.mkdir()
    Image.fromarray(text_page(60)).save(folder / "1.png")
    badfiles.html_named_jpg(folder)
    results = ingest_batch([folder], ctx)
    assert results["ho-so-12"].reason == "not a JPEG (content is HTML)"
    assert results["ho-so-12"].path == str(folder / "scan-001.jpg")


def test_folder_over_the_page_limit(tmp_path: Path) -> None:
    folder = tmp_path / "ho-so"
    folder.mkdir()
    for n in range(3):
        Image.fromarray(text_page(30, label=str(n))).save(folder / f"{n}.png")
    with pytest.raises(InputRejected, match=r"folder has more than 2 pages \(limit 2\)"):
        check_source(Source(folder, "folder", "ho-so"), Settings(max_pages=2))
