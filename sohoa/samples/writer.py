"""Writing a scanned dossier as a scanner would: one PDF, one multi-page TIFF, or a folder of pages.

Files are written under a temporary name and renamed into place, so a crash
never leaves a half-written dossier. Output bytes depend only on the pages (the
PDF's dates are fixed), so a seed reproduces the files exactly.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from sohoa.samples.truth import OutputFormat

log = logging.getLogger(__name__)

#: fixed PDF dates keep output byte-identical for a seed
_PDF_DATE = time.struct_time((2026, 1, 1, 0, 0, 0, 3, 1, 0))


def _pil(page: np.ndarray) -> Image.Image:
    return Image.fromarray(page, "L" if page.ndim == 2 else "RGB")


def write_pdf(path: Path, pages: Sequence[np.ndarray], dpi: int, quality: int = 90) -> None:
    """A PDF with one page per image, each embedded as a JPEG at ``dpi`` (the page size follows)."""
    images = [_pil(p) for p in pages]
    images[0].save(
        path,
        "PDF",
        save_all=True,
        append_images=images[1:],
        resolution=float(dpi),
        quality=quality,
        title=path.stem,
        creationDate=_PDF_DATE,
        modDate=_PDF_DATE,
        producer="sohoa samples",
    )


def write_tiff(path: Path, pages: Sequence[np.ndarray], dpi: int) -> None:
    """A multi-page TIFF (LZW) with the resolution tag set."""
    images = [_pil(p) for p in pages]
    images[0].save(path, "TIFF", save_all=True, append_images=images[1:], dpi=(dpi, dpi), compression="tiff_lzw")


def write_folder(folder: Path, pages: Sequence[np.ndarray], dpi: int, fmt: OutputFormat, quality: int = 88) -> None:
    """A folder of page images ``page_0001.png`` ... (or ``.jpg``) with their resolution."""
    folder.mkdir(parents=True)
    for i, page in enumerate(pages, start=1):
        if fmt == "png":
            _pil(page).save(folder / f"page_{i:04d}.png", dpi=(dpi, dpi), compress_level=1)
        else:
            _pil(page).save(folder / f"page_{i:04d}.jpg", dpi=(dpi, dpi), quality=quality)


def write_dossier(
    out: Path, stem: str, pages: Sequence[np.ndarray], dpi: int, fmt: OutputFormat, *, quality: int = 90
) -> str:
    """Write the pages of one dossier under ``out``; returns its file or folder name.

    The dossier appears atomically: it is written to a hidden temporary name first.
    """
    if not pages:
        raise ValueError("a dossier needs at least one page")
    name = {"pdf": f"{stem}.pdf", "tiff": f"{stem}.tif"}.get(fmt, stem)
    final = out / name
    tmp = out / f".{name}.tmp"
    if tmp.is_dir():
        shutil.rmtree(tmp)
    elif tmp.exists():
        tmp.unlink()
    if fmt == "pdf":
        write_pdf(tmp, pages, dpi, quality)
    elif fmt == "tiff":
        write_tiff(tmp, pages, dpi)
    else:
        write_folder(tmp, pages, dpi, fmt, quality)
    if final.is_dir():
        shutil.rmtree(final)
    os.replace(tmp, final)
    return name


def write_text_atomic(path: Path, text: str) -> None:
    """Write a UTF-8 text file through a temporary name."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
