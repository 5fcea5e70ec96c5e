"""Server-side crops of a page image around a field's box (Pillow), so a slow link moves kilobytes."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

from PIL import Image

from sohoa.errors import NotFound, StorageError
from sohoa.model import BBox
from storage.objectstore import ObjectStore

log = logging.getLogger(__name__)

PAD = 16
MAX_CROP_WIDTH = 1200


def crop_png(store: ObjectStore, image_key: str, box: BBox, pad: int = PAD) -> bytes:
    """The part of the stored page image inside ``box`` (plus a margin) as a greyscale PNG."""
    try:
        with store.open(image_key) as fh, Image.open(fh) as img:
            w, h = img.size
            x0, y0 = max(box.x0 - pad, 0), max(box.y0 - pad, 0)
            x1, y1 = min(box.x1 + pad, w), min(box.y1 + pad, h)
            if x1 <= x0 or y1 <= y0:
                raise NotFound(f"field box lies outside page image {image_key}")
            part = img.crop((x0, y0, x1, y1)).convert("L")
    except (OSError, Image.DecompressionBombError) as e:
        raise StorageError(f"page image {image_key} unreadable ({e.__class__.__name__})") from e
    if part.width > MAX_CROP_WIDTH:
        part = part.resize((MAX_CROP_WIDTH, max(1, part.height * MAX_CROP_WIDTH // part.width)))
    out = io.BytesIO()
    part.save(out, format="PNG")
    return out.getvalue()


PREVIEW_WIDTH = 1400
PREVIEW_QUALITY = 70


def preview(store: ObjectStore, image_key: str, preview_key: Callable[[str], str]) -> tuple[bytes, str]:
    """A page image scaled to ``PREVIEW_WIDTH`` (tens of kilobytes instead of megabytes on a slow link):
    greyscale JPEG for noisy scans, PNG for clean pages, whichever is smaller. Made once and kept in the
    object store under ``preview_key(ext)`` (a derived object). Returns the bytes and the media type."""
    for ext in ("jpg", "png"):
        if store.exists(preview_key(ext)):
            return store.get_bytes(preview_key(ext)), MEDIA[ext]
    try:
        with store.open(image_key) as fh, Image.open(fh) as img:
            img.draft("L", (PREVIEW_WIDTH, PREVIEW_WIDTH * 2))
            small = img.convert("L")
            if small.width > PREVIEW_WIDTH:
                small = small.resize((PREVIEW_WIDTH, max(1, small.height * PREVIEW_WIDTH // small.width)))
    except (OSError, Image.DecompressionBombError) as e:
        raise StorageError(f"page image {image_key} unreadable ({e.__class__.__name__})") from e
    encoded: dict[str, bytes] = {}
    for ext, fmt in (("jpg", "JPEG"), ("png", "PNG")):
        out = io.BytesIO()
        small.save(out, format=fmt, optimize=True, **({"quality": PREVIEW_QUALITY} if fmt == "JPEG" else {}))
        encoded[ext] = out.getvalue()
    ext = min(encoded, key=lambda e: len(encoded[e]))
    store.put_bytes(preview_key(ext), encoded[ext])
    return encoded[ext], MEDIA[ext]


MEDIA = {"jpg": "image/jpeg", "png": "image/png"}
