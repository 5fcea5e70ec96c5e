"""Finding dossiers: a file is one, a folder of page images is one, a folder of files is many."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ingest.rasterize import iter_pages
from ingest.sources import discover, natural_key
from sohoa.settings import Settings
from tests.ingest.badfiles import good_pdf
from tests.ingest.pagegen import save_tiff, text_page


def _png(path: Path, label: str, dpi: int = 60) -> np.ndarray:
    page = text_page(dpi, label=label)
    Image.fromarray(page).save(path, dpi=(dpi, dpi))
    return page


def test_folder_of_page_images_is_one_dossier_in_natural_order(tmp_path: Path, settings: Settings) -> None:
    folder = tmp_path / "ho-so-0042"
    folder.mkdir()
    pages = {n: _png(folder / f"trang{n}.png", f"trang {n}") for n in (10, 2, 1)}
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")  # hidden files are ignored

    sources, rejected = discover([folder])

    assert rejected == []
    assert [(s.kind, s.name, s.path) for s in sources] == [("folder", "ho-so-0042", folder)]
    got = [p.image for p in iter_pages(sources[0], settings)]
    assert len(got) == 3
    for image, n in zip(got, (1, 2, 10), strict=True):
        assert np.array_equal(image, pages[n])


def test_folder_of_pdfs_and_subfolders_is_many_dossiers(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "xa-1").mkdir(parents=True)
    (inbox / "xa-2" / "ho-so-7").mkdir(parents=True)
    good_pdf(inbox, "a.pdf", pages=1, dpi=40)
    good_pdf(inbox / "xa-1", "b.pdf", pages=1, dpi=40)
    save_tiff(inbox / "xa-1" / "c.tif", [text_page(40), text_page(40, label="2")], 40)
    _png(inbox / "xa-2" / "ho-so-7" / "1.png", "1")
    _png(inbox / "xa-2" / "ho-so-7" / "2.png", "2")

    sources, rejected = discover([inbox])

    assert rejected == []
    assert sorted((s.name, s.kind) for s in sources) == [
        ("inbox/a.pdf", "pdf"),
        ("inbox/xa-1/b.pdf", "pdf"),
        ("inbox/xa-1/c.tif", "tiff"),
        ("inbox/xa-2/ho-so-7", "folder"),
    ]


def test_folder_of_single_page_tiffs_is_one_dossier(tmp_path: Path) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    for n in (1, 2):
        save_tiff(folder / f"page-{n}.tif", [text_page(40, label=str(n))], 40)
    sources, _ = discover([folder])
    assert [(s.kind, s.name) for s in sources] == [("folder", "scans")]


def test_single_files_are_one_dossier_each(tmp_path: Path) -> None:
    pdf = good_pdf(tmp_path, "x.pdf", pages=1, dpi=40)
    jpg = tmp_path / "y.JPG"
    Image.fromarray(text_page(40)).save(jpg, format="JPEG")
    sources, rejected = discover([pdf, jpg])
    assert rejected == []
    assert [(s.kind, s.name) for s in sources] == [("pdf", "x.pdf"), ("image", "y.JPG")]


def test_unknown_and_missing_paths_are_rejected_and_the_rest_kept(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    good_pdf(folder, "a.pdf", pages=1, dpi=40)
    (folder / "readme.docx").write_bytes(b"PK\x03\x04")
    (folder / "NOEXT").write_bytes(b"x")

    sources, rejected = discover([folder, tmp_path / "missing.pdf"])

    assert [s.name for s in sources] == ["inbox/a.pdf"]
    assert {(Path(str(r.path)).name, r.message) for r in rejected} == {
        ("readme.docx", "unsupported file type ('.docx')"),
        ("NOEXT", "unsupported file type (no extension)"),
        ("missing.pdf", "no such file or folder"),
    }


def test_names_with_nul_or_undecodable_bytes_are_refused_gracefully(tmp_path: Path) -> None:
    folder = tmp_path / "ho-so"
    folder.mkdir()
    _png(folder / "1.png", "1")
    bad = os.path.join(os.fsencode(folder), b"2-\xff\xfe.png")
    with open(bad, "wb") as fh:
        fh.write((folder / "1.png").read_bytes())

    sources, rejected = discover([folder, Path("ho-so\x00.pdf")])

    assert [s.name for s in sources] == ["ho-so"]
    reasons = sorted((r.message, str(r.path)) for r in rejected)
    assert reasons[0][0] == "file name contains a NUL byte"
    assert "\x00" not in reasons[0][1]
    assert reasons[1][0] == "file name is not valid UTF-8"
    reasons[1][1].encode("utf-8")  # the path shown is printable


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders whatever their permissions")
def test_unreadable_folder_is_rejected(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    good_pdf(locked, "a.pdf", pages=1, dpi=40)
    locked.chmod(0)
    try:
        sources, rejected = discover([locked])
    finally:
        locked.chmod(0o755)
    assert sources == []
    assert rejected[0].message.startswith("cannot read folder")


def test_symlink_loop_does_not_hang(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    good_pdf(folder, "a.pdf", pages=1, dpi=40)
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    sources, rejected = discover([folder])
    assert [s.name for s in sources] == ["inbox/a.pdf"]
    assert rejected == []


def test_natural_key_orders_numbers_as_numbers() -> None:
    names = ["trang10.png", "Trang2.png", "trang1.png", "trang1a.png", "bia.png"]
    expected = ["bia.png", "trang1.png", "trang1a.png", "Trang2.png", "trang10.png"]
    assert sorted(names, key=natural_key) == expected


def test_pdf_beside_page_images_is_a_dossier_of_its_own(tmp_path: Path) -> None:
    folder = tmp_path / "ho-so-3"
    folder.mkdir()
    _png(folder / "1.png", "1")
    good_pdf(folder, "phu-luc.pdf", pages=1, dpi=40)
    sources, rejected = discover([folder])
    assert rejected == []
    assert [(s.kind, s.name) for s in sources] == [("folder", "ho-so-3"), ("pdf", "ho-so-3/phu-luc.pdf")]


def test_dossier_names_are_nfc(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "hồ sơ Nguyễn.pdf")  # as macOS writes names
    pdf = good_pdf(tmp_path, decomposed, pages=1, dpi=40)
    (source,), _ = discover([pdf])
    assert source.name == unicodedata.normalize("NFC", "hồ sơ Nguyễn.pdf")
    assert source.path == pdf


def test_overlong_name_is_rejected_not_raised(tmp_path: Path) -> None:
    sources, rejected = discover([tmp_path / ("h" * 300 + ".pdf")])
    assert sources == []
    assert rejected[0].message == "cannot read (File name too long)"


def test_ground_truth_sidecars_in_a_folder_are_passed_over(tmp_path: Path) -> None:
    """A folder written by ``sohoa samples`` holds scans and their .truth.json: only scans are dossiers."""
    from PIL import Image

    Image.new("L", (50, 50), 255).save(tmp_path / "hoso-1.pdf")
    (tmp_path / "hoso-1.truth.json").write_text("{}", encoding="utf-8")
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    sources, rejected = discover([tmp_path])
    assert [s.path.name for s in sources] == ["hoso-1.pdf"]
    assert [Path(r.path or "").name for r in rejected] == ["notes.json"]
