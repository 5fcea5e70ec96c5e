"""Refuse bad input before any raster work: each check reads headers only.

Every refusal is an ``InputRejected`` with one short reason and the file it names,
so the batch records it and goes on. Nothing here decodes pixels: sizes come from
image headers and PDF page boxes, so a decompression bomb or a 10,000-page PDF is
refused in milliseconds.
"""

from __future__ import annotations

import codecs
import logging
import re
import struct
from pathlib import Path
from typing import Any

from PIL import Image
from pypdf import PasswordType, PdfReader

from ingest.sources import Source, folder_pages
from sohoa.errors import InputRejected
from sohoa.settings import Settings

log = logging.getLogger(__name__)

EXPECTED_CONTENT = {
    ".pdf": "PDF", ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".tif": "TIFF", ".tiff": "TIFF",
}
HEAD_BYTES = 1024
TAIL_BYTES = 2048
IMAGE_HEADER_ERRORS = (
    OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, KeyError, TypeError,
    ZeroDivisionError, OverflowError, AttributeError, RuntimeError,
)


def check_source(source: Source, settings: Settings) -> None:
    """Raise ``InputRejected`` when ``source`` cannot be a dossier; read headers only."""
    if source.kind != "folder":
        check_file(source.path, settings)
        return
    pages = folder_pages(source.path)
    if not pages:
        raise InputRejected("folder holds no page images", path=str(source.path))
    frames = 0
    for page in pages:
        frames += check_file(page, settings)
        if frames > settings.max_pages:
            limit = settings.max_pages
            raise InputRejected(f"folder has more than {limit} pages (limit {limit})", path=str(source.path))


def check_file(path: Path, settings: Settings) -> int:
    """Check one file (size, content type, then PDF or image header); return its page count."""
    size = _size(path)
    if size == 0:
        raise InputRejected("empty file (0 bytes)", path=str(path))
    if size > settings.max_file_bytes:
        reason = f"file is {human_bytes(size)} (limit {human_bytes(settings.max_file_bytes)})"
        raise InputRejected(reason, path=str(path))
    expected = EXPECTED_CONTENT.get(path.suffix.lower())
    if expected is None:
        raise InputRejected(f"unsupported file type ('{path.suffix.lower()}')", path=str(path))
    actual = sniff(_read_head(path))
    if actual != expected:
        raise InputRejected(f"not a {expected} (content is {actual or 'unrecognised'})", path=str(path))
    if expected == "PDF":
        return check_pdf(path, settings)
    return check_image(path, settings, kind=expected)


def sniff(head: bytes) -> str | None:
    """What the first bytes of a file say it is: PDF, PNG, JPEG, TIFF, HTML, ... or None."""
    signatures = (
        (b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"),
        (b"II+\x00", "TIFF"), (b"MM\x00+", "TIFF"), (b"GIF8", "GIF"), (b"PK\x03\x04", "ZIP"), (b"BM", "BMP"),
    )
    for magic, kind in signatures:
        if head.startswith(magic):
            return kind
    if b"%PDF-" in head[:HEAD_BYTES]:
        return "PDF"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WebP"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html")) or b"<html" in text[:HEAD_BYTES]:
        return "HTML"
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        return "XML"
    return "text" if _looks_like_text(head) else None


def check_pdf(path: Path, settings: Settings) -> int:
    """Refuse truncated, unreadable, encrypted, oversized PDFs; return the page count."""
    if b"%%EOF" not in _read_tail(path):
        raise InputRejected("truncated PDF (no %%EOF marker)", path=str(path))
    with path.open("rb") as fh:
        reader = open_pdf(fh, path)
        declared = _declared_page_count(reader)
        if declared is not None and declared > settings.max_pages:
            raise InputRejected(f"PDF has {declared} pages (limit {settings.max_pages})", path=str(path))
        try:
            pages = list(reader.pages)
        except Exception as e:  # pypdf raises many types on malformed page trees
            raise InputRejected(f"unreadable PDF ({_short(e)})", path=str(path)) from e
        if not pages:
            raise InputRejected("PDF has no pages", path=str(path))
        if len(pages) > settings.max_pages:
            raise InputRejected(f"PDF has {len(pages)} pages (limit {settings.max_pages})", path=str(path))
        for index, page in enumerate(pages, start=1):
            _check_page_box(page, index, path, settings)
        return len(pages)


def open_pdf(fh: Any, path: Path) -> PdfReader:
    """Open a PDF lazily from an open file; decrypt one with an empty user password.

    Raises ``InputRejected`` when pypdf cannot read it or it needs a password.
    """
    try:
        reader = PdfReader(fh, strict=False)
        encrypted = reader.is_encrypted
    except Exception as e:  # pypdf raises many types on malformed files
        raise InputRejected(f"unreadable PDF ({_short(e)})", path=str(path)) from e
    if encrypted:
        try:
            opened = reader.decrypt("")
        except Exception as e:  # unsupported algorithm or broken encryption dictionary
            raise InputRejected("encrypted PDF", path=str(path)) from e
        if opened == PasswordType.NOT_DECRYPTED:
            raise InputRejected("encrypted PDF", path=str(path))
    return reader


def check_image(path: Path, settings: Settings, kind: str = "image") -> int:
    """Refuse an image whose declared size exceeds the pixel limit; return its frame count.

    Only headers are read (PIL opens lazily); every TIFF frame's header is checked.
    """
    try:
        with Image.open(path) as im:
            frames = int(getattr(im, "n_frames", 1))
            if frames > settings.max_pages:
                raise InputRejected(f"TIFF has {frames} pages (limit {settings.max_pages})", path=str(path))
            for index in range(frames):
                im.seek(index)
                _check_pixels(im.size, index + 1, frames, path, settings)
            return frames
    except Image.DecompressionBombError as e:
        raise InputRejected(bomb_reason(e, settings), path=str(path)) from e
    except IMAGE_HEADER_ERRORS as e:
        raise InputRejected(f"unreadable {kind} ({_short(e)})", path=str(path)) from e


def bomb_reason(error: Image.DecompressionBombError, settings: Settings) -> str:
    """The reason for an image PIL itself refused to open as a decompression bomb."""
    found = re.search(r"\((\d+) pixels\)", str(error))
    size = f"{int(found.group(1)):,} pixels" if found else "pixel count"
    return f"image of {size} exceeds the limit of {settings.max_pixels:,} pixels (decompression bomb)"


def human_bytes(size: int) -> str:
    """``1536`` -> ``'1.5 KB'``."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def _check_pixels(size: tuple[int, int], page: int, frames: int, path: Path, settings: Settings) -> None:
    width, height = size
    if width * height > settings.max_pixels:
        where = f"page {page}: " if frames > 1 else ""
        reason = (f"{where}image of {width} × {height} pixels exceeds the limit of "
                  f"{settings.max_pixels:,} pixels (decompression bomb?)")
        raise InputRejected(reason, path=str(path))


def _check_page_box(page: Any, index: int, path: Path, settings: Settings) -> None:
    """Refuse a PDF page whose raster at ``raster_dpi`` would exceed the pixel limit."""
    try:
        box = page.mediabox
        unit = float(page.get("/UserUnit", 1.0))
        width_in, height_in = abs(float(box.width)) * unit / 72, abs(float(box.height)) * unit / 72
    except Exception as e:  # malformed MediaBox
        raise InputRejected(f"PDF page {index} has no valid page box ({_short(e)})", path=str(path)) from e
    width, height = round(width_in * settings.raster_dpi), round(height_in * settings.raster_dpi)
    if width * height > settings.max_pixels:
        reason = (f"PDF page {index} would be {width} × {height} pixels at {settings.raster_dpi} DPI "
                  f"(limit {settings.max_pixels:,})")
        raise InputRejected(reason, path=str(path))


def _declared_page_count(reader: PdfReader) -> int | None:
    """The /Count the page tree declares (O(1), no page-tree walk), if readable."""
    try:
        root: Any = reader.trailer["/Root"]
        return int(root["/Pages"]["/Count"])
    except Exception:  # missing or malformed; the page walk below decides
        return None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as e:
        raise InputRejected(f"cannot read file ({e.strerror})", path=str(path)) from e


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(HEAD_BYTES)
    except OSError as e:
        raise InputRejected(f"cannot read file ({e.strerror})", path=str(path)) from e


def _read_tail(path: Path) -> bytes:
    with path.open("rb") as fh:
        size = fh.seek(0, 2)
        fh.seek(max(0, size - TAIL_BYTES))
        return fh.read()


def _looks_like_text(head: bytes) -> bool:
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in "\r\n\t" for ch in text)


def _short(error: BaseException) -> str:
    """A one-line, bounded description of a library error."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:120]
