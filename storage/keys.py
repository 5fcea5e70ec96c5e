"""Object keys: one naming scheme for the local folder and MinIO.

Intermediate files are named by dossier, page and stage:
``{dossier}/{page:04d}_{stage}.{ext}``. Keys never carry a client's file name
unchecked: dossier ids are generated, and any key is checked before use.
"""

from __future__ import annotations

import re

from sohoa.errors import UsageError

_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._=-]{0,199}$")


def check_key(key: str) -> str:
    """Return ``key`` if every segment is a safe name; raise ``UsageError`` otherwise."""
    parts = key.split("/")
    if not key or len(key) > 1024 or any(not _SEGMENT.match(p) or ".." in p for p in parts):
        raise UsageError(f"unsafe object key {key[:80]!r}")
    return key


def page_key(dossier_id: str, page: int, stage: str, ext: str) -> str:
    """The key of one page's output of one stage, e.g. ``d-1a2b/0003_ocr.json``."""
    return check_key(f"{dossier_id}/{page:04d}_{stage}.{ext}")


def dossier_key(dossier_id: str, name: str) -> str:
    """The key of a dossier-level object, e.g. ``d-1a2b/source.pdf`` or ``d-1a2b/record.json``."""
    return check_key(f"{dossier_id}/{name}")
