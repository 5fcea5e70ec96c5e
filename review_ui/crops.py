"""Server-side crops of a page image around a field's box (Pillow), so a slow link moves kilobytes."""

from __future__ import annotations

import io
import logging

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
