"""SHA-256 fingerprints of source files, folder dossiers and page rasters.

The dossier id derives from the source's fingerprint, so the same file handed in
twice (under any name) is the same dossier and is never stored twice.
"""

from __future__ import annotations

import hashlib
import logging
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest.sources import Source, folder_pages
from sohoa.errors import InputRejected

log = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB chunks (never whole in memory)."""
    path = Path(path)
    try:
        st = path.stat()
        return _sha256_file_cached(str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    except OSError as e:
        raise InputRejected(f"cannot read file ({e.strerror})", path=str(path)) from e


@lru_cache(maxsize=256)
def _sha256_file_cached(path: str, size: int, mtime_ns: int, inode: int) -> str:
    """Hash keyed by (path, size, mtime, inode) so the pipeline and ingest hash a file once."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_source(source: Source) -> str:
    """Fingerprint of a dossier source: the file's hash, or for a folder a hash over
    its page files' (name, hash) pairs in page order."""
    if source.kind != "folder":
        return sha256_file(source.path)
    digest = hashlib.sha256(b"sohoa-folder-v1\n")
    for page in folder_pages(source.path):
        digest.update(page.name.encode("utf-8", "surrogateescape"))
        digest.update(b"\x00" + sha256_file(page).encode("ascii") + b"\n")
    return digest.hexdigest()


def dossier_id_for(sha256: str) -> str:
    """The dossier id for a source fingerprint: ``d-`` and its first 16 hex digits."""
    return "d-" + sha256[:16]


def sha256_pixels(image: np.ndarray) -> str:
    """Fingerprint of a raster: its shape, dtype and pixel bytes."""
    digest = hashlib.sha256(f"{image.shape}|{image.dtype.str}|".encode("ascii"))
    digest.update(np.ascontiguousarray(image).data)
    return digest.hexdigest()
