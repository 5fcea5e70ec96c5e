"""Finding dossiers in the files and folders a user hands us.

A dossier is one file (PDF, multi-page TIFF, JPEG, PNG) or one folder holding page
images directly. A folder of PDFs, multi-page TIFFs or sub-folders holds many
dossiers and is walked recursively. Paths that cannot become a dossier (unknown
type, unreadable, undecodable name) become ``InputRejected`` entries: discovery
never raises for one bad path, so the rest of the batch goes on.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image

from sohoa.errors import InputRejected

log = logging.getLogger(__name__)

SourceKind = Literal["pdf", "tiff", "image", "folder"]

PDF_EXTS = frozenset({".pdf"})
TIFF_EXTS = frozenset({".tif", ".tiff"})
FLAT_IMAGE_EXTS = frozenset({".png", ".jpg", ".jpeg"})
PAGE_IMAGE_EXTS = FLAT_IMAGE_EXTS | TIFF_EXTS
DOSSIER_EXTS = PDF_EXTS | PAGE_IMAGE_EXTS

#: files that travel beside scans in a folder and are not scans: ground truth written by
#: ``sohoa samples``. They are passed over in folders (named directly, they are rejected).
SIDECAR_SUFFIXES = (".truth.json",)

_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Source:
    """One dossier to ingest: a file, or a folder of page images."""

    path: Path
    kind: SourceKind
    name: str


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders ``page2`` before ``page10`` (numbers compared as numbers)."""
    parts = _DIGITS.split(name)
    return tuple((0, int(p)) if i % 2 else (1, p.casefold()) for i, p in enumerate(parts))


def display_name(path: Path | str) -> str:
    """A printable form of a path: NUL and undecodable bytes escaped, never raising."""
    text = os.fspath(path)
    text = text.replace("\x00", "\\x00")
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def name_problem(path: Path) -> str | None:
    """Why a path's name is unusable (NUL byte, not valid UTF-8), or None when it is fine."""
    text = os.fspath(path)
    if "\x00" in text:
        return "file name contains a NUL byte"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "file name is not valid UTF-8"
    return None


def folder_pages(folder: Path) -> list[Path]:
    """The page image files directly inside ``folder``, in natural order.

    Hidden files and files whose names are unusable (those are rejected on their own) are left out.
    """
    files = [
        p for p in _listdir(folder)
        if p.suffix.lower() in PAGE_IMAGE_EXTS and name_problem(p) is None and _is_file(p)
    ]
    return sorted(files, key=lambda p: natural_key(p.name))


def discover(paths: Iterable[Path]) -> tuple[list[Source], list[InputRejected]]:
    """Turn files and folders into dossier sources; paths that can't be one are rejected.

    A folder holding page images directly is one dossier of those images. A folder
    of PDFs, multi-page TIFFs or sub-folders yields one dossier per file, recursing.
    """
    sources: list[Source] = []
    rejected: list[InputRejected] = []
    for raw in paths:
        path = Path(raw)
        _discover_one(path, path.parent, sources, rejected, visited=set())
    return sources, rejected


def _discover_one(
    path: Path, root: Path, sources: list[Source], rejected: list[InputRejected], visited: set[Path]
) -> None:
    problem = name_problem(path)
    if problem is not None:
        rejected.append(InputRejected(problem, path=display_name(path)))
        return
    try:
        is_dir = path.is_dir()
        exists = is_dir or path.is_file()
    except OSError as e:
        rejected.append(InputRejected(f"cannot read ({e.strerror})", path=str(path)))
        return
    if not exists:
        reason = "no such file or folder" if not path.is_symlink() else "broken symbolic link"
        rejected.append(InputRejected(reason, path=str(path)))
    elif is_dir:
        _discover_folder(path, root, sources, rejected, visited)
    else:
        _discover_file(path, root, sources, rejected)


def _discover_file(path: Path, root: Path, sources: list[Source], rejected: list[InputRejected]) -> None:
    ext = path.suffix.lower()
    if ext in PDF_EXTS:
        sources.append(Source(path, "pdf", _relative_name(path, root)))
    elif ext in TIFF_EXTS:
        sources.append(Source(path, "tiff", _relative_name(path, root)))
    elif ext in FLAT_IMAGE_EXTS:
        sources.append(Source(path, "image", _relative_name(path, root)))
    else:
        what = f"'{ext}'" if ext else "no extension"
        rejected.append(InputRejected(f"unsupported file type ({what})", path=str(path)))


def _discover_folder(
    folder: Path, root: Path, sources: list[Source], rejected: list[InputRejected], visited: set[Path]
) -> None:
    real = folder.resolve()
    if real in visited:
        log.info("folder visited twice (symbolic link loop); skipped")
        return
    visited.add(real)
    try:
        entries = sorted(_listdir(folder, strict=True), key=lambda p: natural_key(p.name))
    except OSError as e:
        rejected.append(InputRejected(f"cannot read folder ({e.strerror})", path=str(folder)))
        return
    pages = _page_files(entries)
    if pages:
        sources.append(Source(folder, "folder", _relative_name(folder, root)))
    for entry in entries:
        if entry in pages or entry.name.endswith(SIDECAR_SUFFIXES):
            continue
        _discover_one(entry, root, sources, rejected, visited)


def _page_files(entries: list[Path]) -> set[Path]:
    """Which entries are the pages of a page-image folder (empty when it is not one).

    PNG/JPEG files make a folder a page folder, and its TIFFs are pages too. A folder
    holding only TIFFs is a page folder when each TIFF has a single frame; otherwise
    each TIFF is a multi-page dossier of its own.
    """
    images = [p for p in entries if p.suffix.lower() in PAGE_IMAGE_EXTS and _is_file(p)]
    flat = [p for p in images if p.suffix.lower() in FLAT_IMAGE_EXTS]
    if flat or (images and all(_single_frame(p) for p in images)):
        return {p for p in images if name_problem(p) is None}
    return set()


def _single_frame(path: Path) -> bool:
    try:
        with Image.open(path) as im:
            return int(getattr(im, "n_frames", 1)) == 1
    except Exception:  # an unreadable TIFF becomes its own dossier and is rejected with a reason
        return False


def _listdir(folder: Path, strict: bool = False) -> list[Path]:
    try:
        return [folder / name for name in os.listdir(folder) if not name.startswith(".")]
    except OSError:
        if strict:
            raise
        return []


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _relative_name(path: Path, root: Path) -> str:
    """The name shown for a dossier: its path relative to the folder the user named, in NFC."""
    try:
        rel = path.relative_to(root) if str(root) not in ("", ".") else path
    except ValueError:
        rel = path
    return unicodedata.normalize("NFC", rel.as_posix())
