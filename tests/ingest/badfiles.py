"""Bad and hostile inputs, generated on the fly (nothing hostile is checked in).

Each maker writes one file into ``folder`` and returns its path. The reason the
ingest checks must give for it is in ``EXPECTED_REASONS``.
"""

from __future__ import annotations

import io
import struct
import zlib
from functools import lru_cache
from pathlib import Path

from PIL import Image
from pypdf import PdfWriter

from tests.ingest.pagegen import save_pdf, save_tiff, text_page


def empty_pdf(folder: Path) -> Path:
    path = folder / "empty.pdf"
    path.write_bytes(b"")
    return path


def html_named_jpg(folder: Path) -> Path:
    path = folder / "scan-001.jpg"
    path.write_text("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body></body></html>\n")
    return path


def good_pdf(folder: Path, name: str = "good.pdf", pages: int = 2, dpi: int = 100) -> Path:
    return save_pdf(folder / name, [text_page(dpi, label=f"trang {i + 1}") for i in range(pages)], dpi)


def truncated_pdf(folder: Path) -> Path:
    whole = good_pdf(folder, "whole.pdf").read_bytes()
    path = folder / "truncated.pdf"
    path.write_bytes(whole[: len(whole) // 2])
    (folder / "whole.pdf").unlink()
    return path


def garbage_pdf(folder: Path) -> Path:
    """Starts and ends like a PDF, but nothing in between is one."""
    path = folder / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"this is not a PDF body\n" * 40 + b"%%EOF\n")
    return path


def encrypted_pdf(folder: Path, user_password: str = "mat-khau-2024") -> Path:
    writer = PdfWriter(clone_from=good_pdf(folder, "plain.pdf"))
    writer.encrypt(user_password=user_password, owner_password="owner-password", algorithm="AES-128")
    path = folder / ("encrypted.pdf" if user_password else "restricted.pdf")
    with path.open("wb") as fh:
        writer.write(fh)
    (folder / "plain.pdf").unlink()
    return path


@lru_cache(maxsize=2)
def _blank_pages_pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def many_pages_pdf(folder: Path, pages: int = 10_000) -> Path:
    """A real PDF of ``pages`` blank pages (built once per test session, 1.2 MB for 10,000)."""
    path = folder / "thousands.pdf"
    path.write_bytes(_blank_pages_pdf(pages))
    return path


def huge_page_pdf(folder: Path) -> Path:
    """One page of 200 × 200 inches: 60,000 × 60,000 pixels at 300 DPI."""
    writer = PdfWriter()
    writer.add_blank_page(width=200 * 72, height=200 * 72)
    path = folder / "poster.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def png_bomb(folder: Path, width: int = 60_000, height: int = 60_000) -> Path:
    """A tiny PNG whose header declares 3.6 gigapixels (the pixel data is never needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * (width + 1) * 4)
    path = folder / "bomb.png"
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunks)
    return path


def _tiff_ifds(data: bytes) -> list[tuple[int, int]]:
    """(IFD offset, offset of its next-IFD pointer) along a little-endian TIFF's chain."""
    offset, out = struct.unpack_from("<I", data, 4)[0], []
    while offset:
        entries = struct.unpack_from("<H", data, offset)[0]
        pointer = offset + 2 + 12 * entries
        out.append((offset, pointer))
        offset = struct.unpack_from("<I", data, pointer)[0]
    return out


def broken_chain_tiff(folder: Path) -> Path:
    """Three pages; the second page's next-IFD pointer points past the end of the file."""
    good = save_tiff(folder / "chain.tif", [text_page(60, label=f"p{i}") for i in range(3)], 60, "raw")
    data = bytearray(good.read_bytes())
    struct.pack_into("<I", data, _tiff_ifds(bytes(data))[1][1], len(data) + 4096)
    path = folder / "broken-chain.tif"
    path.write_bytes(bytes(data))
    good.unlink()
    return path


def truncated_last_frame_tiff(folder: Path) -> Path:
    """Three pages, the file cut in the middle of the third page's pixels."""
    good = save_tiff(folder / "whole.tif", [text_page(60, label=f"p{i}") for i in range(3)], 60, "raw")
    data = good.read_bytes()
    last_ifd_end = _tiff_ifds(data)[2][1] + 4
    path = folder / "cut.tif"
    path.write_bytes(data[: last_ifd_end + (len(data) - last_ifd_end) // 2])
    good.unlink()
    return path


def truncated_jpeg(folder: Path) -> Path:
    whole = folder / "whole.jpg"
    Image.fromarray(text_page(100)).save(whole, quality=90)
    data = whole.read_bytes()
    path = folder / "cut.jpg"
    path.write_bytes(data[: len(data) // 3])
    whole.unlink()
    return path


EXPECTED_REASONS = {
    "empty.pdf": "empty file (0 bytes)",
    "scan-001.jpg": "not a JPEG (content is HTML)",
    "truncated.pdf": "truncated PDF",
    "garbage.pdf": "unreadable PDF",
    "encrypted.pdf": "encrypted PDF",
    "thousands.pdf": "PDF has 10000 pages (limit 500)",
    "poster.pdf": "PDF page 1 would be 60000 × 60000 pixels at 300 DPI",
    "bomb.png": "image of 3,600,000,000 pixels exceeds the limit of 200,000,000 pixels",
    "broken-chain.tif": "unreadable TIFF",
    "cut.tif": "page 3: cannot decode image",
    "cut.jpg": "page 1: cannot decode image",
}


def make_all(folder: Path) -> list[Path]:
    """Every bad input above, one file each."""
    makers = (
        empty_pdf, html_named_jpg, truncated_pdf, garbage_pdf, encrypted_pdf, many_pages_pdf, huge_page_pdf,
        png_bomb, broken_chain_tiff, truncated_last_frame_tiff, truncated_jpeg,
    )
    return [make(folder) for make in makers]
