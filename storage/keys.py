"""Object keys: one naming scheme for the local folder and MinIO.

Intermediate files are named by dossier, page and stage:
``{dossier}/{page:04d}_{stage}.{ext}``. Keys never carry a client's file name
unchecked: dossier ids are generated, and any key is checked before use.
"""

from __future__ import annotations

import re
import unicodedata

from sohoa.errors import UsageError

_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._=-]{0,199}$")


def check_key(key: str) -> str:
    """Return ``key`` if every segment is a safe name; raise ``UsageError`` otherwise."""
    parts = key.split("/")
    if not key or len(key) > 1024 or any(not _SEGMENT.match(p) or ".." in p for p in parts):
        raise UsageError(f"unsafe object key {key[:80]!r}")
    return key


def check_any_key(key: str) -> str:
    """Accept a client-chosen key (inbox) that is safe to address: no control characters, no ``..``."""
    parts = key.split("/")
    if (not key or len(key) > 1024 or key.startswith("/") or "\\" in key
            or any(ord(c) < 32 or ord(c) == 127 for c in key) or any(p in ("", ".", "..") for p in parts)):
        raise UsageError(f"unsafe object key {key[:80]!r}")
    return key


def page_key(dossier_id: str, page: int, stage: str, ext: str) -> str:
    """The key of one page's output of one stage, e.g. ``d-1a2b/0003_ocr.json``."""
    return check_key(f"{dossier_id}/{page:04d}_{stage}.{ext}")


def dossier_key(dossier_id: str, name: str) -> str:
    """The key of a dossier-level object, e.g. ``d-1a2b/source.pdf`` or ``d-1a2b/record.json``."""
    return check_key(f"{dossier_id}/{name}")


def slug(text: str | None, default: str = "unknown") -> str:
    """A key segment for a place name: ASCII, lower case, hyphens (``Hà Nội`` -> ``ha-noi``).

    Used only in object keys; the stored names keep their diacritics (NFC).
    """
    folded = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")[:100]
    return out or default


def package_root(province: str | None, commune: str | None, dossier_id: str) -> str:
    """The prefix under which all versions of a dossier's package live (ends with ``/``)."""
    return check_key(f"exports/{slug(province)}/{slug(commune)}/{dossier_id}") + "/"


def package_prefix(province: str | None, commune: str | None, dossier_id: str, version: int) -> str:
    """The prefix of one package version: ``exports/<province>/<commune>/<dossier_id>/v<N>/``."""
    if version < 1:
        raise UsageError(f"package version {version} must be >= 1")
    return f"{package_root(province, commune, dossier_id)}v{version}/"
