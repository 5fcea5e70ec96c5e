"""Pages as pixels, one at a time: PDF, multi-page TIFF, JPEG/PNG, folders of page images.

Memory stays bounded by one page whatever the dossier's length: PDFs are read
lazily from an open file and rendered page by page; TIFF frames are decoded one by
one. Where a PDF page is exactly one scan image covering the page, that image is
taken as stored instead of being re-rendered (no resampling, its own resolution).
Pixels are kept as stored: turning pages upright is the OCR stage's job.
"""

from __future__ import annotations

import gc
import io
import itertools
import logging
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageSequence
from pypdf import PageObject

from ingest.checks import bomb_reason, open_pdf
from ingest.fingerprint import sha256_pixels
from ingest.poppler import render_page
from ingest.sources import Source, folder_pages
from sohoa.errors import InputRejected
from sohoa.settings import Settings

log = logging.getLogger(__name__)

A4_SHORT_SIDE_IN = 8.27
MIN_DPI, MAX_DPI = 72, 600
MAX_PLAUSIBLE_SHORT_SIDE_IN = 17.0  # A2's short side is 16.5 in; beyond that a metadata DPI is a default
GREY_CHROMA_TOLERANCE = 12  # largest channel spread still counted as grey in a rendered page
COVER_TOLERANCE = 0.01  # share of the page size an embedded scan may miss by and still "cover" it
READER_PAGES = 8  # pages read through one PdfReader before it (and its object cache) is replaced
SCAN_PAGE_OPS = frozenset({b"q", b"Q", b"cm", b"Do", b"gs"})
DECODE_ERRORS = (
    OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, KeyError, TypeError,
    ZeroDivisionError, OverflowError, AttributeError, RuntimeError,
)


@dataclass(frozen=True)
class RasterPage:
    """One page's pixels as ingested: uint8 greyscale (2-D) or BGR (3-D)."""

    index: int
    image: np.ndarray = field(repr=False)
    dpi: int
    sha256: str


def iter_pages(source: Source, settings: Settings, *, embedded: bool = True) -> Iterator[RasterPage]:
    """Yield the pages of ``source`` one at a time (1-based ``index`` in source order).

    ``embedded=False`` renders every PDF page with poppler, even a plain scan page.
    Decoding failures raise ``InputRejected`` naming the file and page.
    """
    if source.kind == "pdf":
        frames = _pdf_pages(source.path, settings, embedded)
    elif source.kind == "folder":
        frames = (f for file in folder_pages(source.path) for f in _image_frames(file, settings))
    else:
        frames = _image_frames(source.path, settings)
    for index, (image, dpi) in enumerate(frames, start=1):
        if index > settings.max_pages:
            limit = settings.max_pages
            raise InputRejected(f"more than {limit} pages (limit {limit})", path=str(source.path))
        yield RasterPage(index=index, image=image, dpi=dpi, sha256=sha256_pixels(image))


def estimate_dpi(width: int, height: int) -> int:
    """Resolution guessed from pixel size, assuming an A4 page (short side 8.27 in), 72..600."""
    guess = round(min(width, height) / A4_SHORT_SIDE_IN)
    return max(MIN_DPI, min(MAX_DPI, guess))


def image_dpi(image: Image.Image) -> int:
    """The resolution an image's metadata declares, or an estimate when absent or implausible.

    A declared DPI that would make the page larger than A2 (phone photos say 72) is
    a software default, not a scan resolution, and is replaced by the estimate.
    """
    declared = image.info.get("dpi")
    width, height = image.size
    try:
        dpi = round(float(declared[0])) if declared else 0
    except (TypeError, ValueError, IndexError):
        dpi = 0
    if dpi >= 1 and min(width, height) / dpi <= MAX_PLAUSIBLE_SHORT_SIDE_IN:
        return dpi
    return estimate_dpi(width, height)


def to_array(image: Image.Image) -> np.ndarray:
    """PIL image -> uint8 greyscale 2-D or BGR 3-D array, pixel values as stored."""
    mode = image.mode
    if mode in ("1", "L"):
        return np.asarray(image.convert("L")).copy()
    if mode.startswith("I;16") or mode in ("I", "F"):
        data = np.asarray(image, dtype=np.float64)
        top = 65535.0 if mode.startswith("I;16") or data.max() > 255 else 255.0
        return np.clip(data * (255.0 / top), 0, 255).round().astype(np.uint8)
    if mode in ("LA", "La", "PA", "RGBA", "RGBa", "P") and _has_alpha(image):
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, image.convert("RGBA"))
    if mode == "LA":
        return np.asarray(image.convert("L")).copy()
    rgb = np.asarray(image.convert("RGB"))
    if mode == "P" and _channels_equal(rgb):
        return rgb[:, :, 0].copy()
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode != "P" or "transparency" in image.info


def _channels_equal(rgb: np.ndarray) -> bool:
    return bool(np.array_equal(rgb[:, :, 0], rgb[:, :, 1]) and np.array_equal(rgb[:, :, 1], rgb[:, :, 2]))


def _image_frames(path: Path, settings: Settings) -> Iterator[tuple[np.ndarray, int]]:
    """Decode an image file's frames one at a time (TIFF: every page; JPEG/PNG: one)."""
    try:
        with Image.open(path) as im:
            frames = ImageSequence.Iterator(im)
            for number in itertools.count(1):
                decoded = _next_frame(frames, number, path)
                if decoded is None:
                    return
                if decoded[0].shape[0] * decoded[0].shape[1] > settings.max_pixels:
                    raise InputRejected(f"page {number}: image exceeds the pixel limit", path=str(path))
                yield decoded
    except Image.DecompressionBombError as e:
        raise InputRejected(bomb_reason(e, settings), path=str(path)) from e
    except DECODE_ERRORS as e:
        raise InputRejected(f"cannot open image ({_short(e)})", path=str(path)) from e


def _next_frame(frames: ImageSequence.Iterator, number: int, path: Path) -> tuple[np.ndarray, int] | None:
    """Decode the next frame (page ``number``) or None after the last one."""
    try:
        frame = next(frames)
        frame.load()
        return to_array(frame), image_dpi(frame)
    except StopIteration:
        return None
    except Image.DecompressionBombError as e:
        raise InputRejected(f"page {number}: image exceeds the pixel limit", path=str(path)) from e
    except DECODE_ERRORS as e:
        raise InputRejected(f"page {number}: cannot decode image ({_short(e)})", path=str(path)) from e


def _pdf_pages(path: Path, settings: Settings, embedded: bool) -> Iterator[tuple[np.ndarray, int]]:
    """A PDF's pages one at a time: the embedded scan where a page is one, else poppler's render.

    pypdf caches every object it has read (image streams included), so the reader is
    reopened every ``READER_PAGES`` pages to keep memory bounded by a few pages.
    """
    with path.open("rb") as fh:
        reader = open_pdf(fh, path)
        try:
            count = len(reader.pages)
        except Exception as e:  # malformed page tree
            raise InputRejected("unreadable PDF page tree", path=str(path)) from e
        for number in range(1, count + 1):
            if number % READER_PAGES == 0:
                del reader  # pypdf's objects point at their reader: free the cycle now
                gc.collect()
                reader = open_pdf(fh, path)
            page = reader.pages[number - 1]
            _check_page_images(page, number, path, settings)
            scan = _embedded_scan(page, number, path, settings) if embedded else None
            del page
            yield scan if scan is not None else _render(path, number, settings)
            del scan


def _render(path: Path, number: int, settings: Settings) -> tuple[np.ndarray, int]:
    """Render one PDF page with poppler; a page without colour comes back greyscale."""
    rgb = np.asarray(render_page(path, number, settings.raster_dpi).convert("RGB"))
    spread = cv2.subtract(rgb.max(axis=2), rgb.min(axis=2))
    if int(spread.max(initial=0)) <= GREY_CHROMA_TOLERANCE:
        return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), settings.raster_dpi
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), settings.raster_dpi


def _embedded_scan(
    page: PageObject, number: int, path: Path, settings: Settings
) -> tuple[np.ndarray, int] | None:
    """The page's one scan image, as stored, when the page is nothing but that image covering it.

    Returns None (render instead) for anything else: text or vector content, several
    images, masks, rotated placement, /Rotate, or an image pypdf cannot decode.
    """
    try:
        found = _sole_image(page)
        if found is None:
            return None
        xobject, page_width_pt = found
        width, height = int(xobject["/Width"]), int(xobject["/Height"])
        pixels = _decode_xobject(page, xobject)
    except Exception as e:  # pypdf can't decode this filter (JBIG2...) or the page is odd: render it
        log.debug("page %d: embedded image not taken (%s); rendering", number, _short(e))
        return None
    if pixels.shape[:2] != (height, width):
        return None
    dpi = max(1, round(width / (page_width_pt / 72.0)))
    return pixels, dpi


def _check_page_images(page: PageObject, number: int, path: Path, settings: Settings) -> None:
    """Refuse a page drawing an image whose declared size exceeds the pixel limit.

    Whether taken as stored or rendered (poppler decodes it whole), such an image
    is a decompression bomb. Reads the image dictionaries of this page only.
    """
    try:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        items = list(xobjects.get_object().values()) if xobjects is not None else []
        sizes = [(int(o["/Width"]), int(o["/Height"])) for o in (r.get_object() for r in items)
                 if o.get("/Subtype") == "/Image"]
    except Exception as e:  # malformed resources: poppler will say what it can render
        log.debug("page %d: image sizes unreadable (%s)", number, _short(e))
        return
    for width, height in sizes:
        if width * height > settings.max_pixels:
            reason = (f"page {number}: embedded image of {width} × {height} pixels exceeds the limit of "
                      f"{settings.max_pixels:,} pixels")
            raise InputRejected(reason, path=str(path))


def _decode_xobject(page: PageObject, xobject: Any) -> np.ndarray:
    """Decode an image XObject: a JPEG stream with PIL from its bytes as stored (pypdf would
    re-encode it), any other filter through pypdf."""
    filters = xobject.get("/Filter")
    filters = list(filters) if isinstance(filters, list) else [filters]
    if filters == ["/DCTDecode"]:
        with Image.open(io.BytesIO(xobject.get_data()), formats=("JPEG",)) as jpeg:
            jpeg.load()
            return to_array(jpeg)
    decoded = page.images[0].image
    if decoded is None:
        raise ValueError("pypdf returned no image")
    return to_array(decoded)


def _sole_image(page: PageObject) -> tuple[Any, float] | None:
    """The page's single image XObject and the page width in points, if it alone covers the page."""
    if int(page.get("/Rotate", 0) or 0) % 360 or "/UserUnit" in page:
        return None
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is None or len(xobjects.get_object()) != 1:
        return None
    name, ref = next(iter(xobjects.get_object().items()))
    xobject = ref.get_object()
    if xobject.get("/Subtype") != "/Image" or any(k in xobject for k in ("/SMask", "/Mask", "/Decode")):
        return None
    if xobject.get("/ImageMask"):
        return None
    ctm = _placement(page, name)
    box = page.mediabox
    left, bottom, width, height = float(box.left), float(box.bottom), float(box.width), float(box.height)
    if ctm is None or not _covers(ctm, left, bottom, width, height):
        return None
    return xobject, width


def _placement(page: PageObject, name: str) -> tuple[float, ...] | None:
    """The transformation at the one ``Do`` of ``name``, if the content is only that drawing."""
    contents = page.get_contents()
    if contents is None:
        return None
    stack: list[tuple[float, ...]] = []
    ctm: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    placed: tuple[float, ...] | None = None
    for operands, operator in contents.operations:
        if operator not in SCAN_PAGE_OPS:
            return None
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q" and stack:
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = _multiply(tuple(float(v) for v in operands), ctm)
        elif operator == b"Do":
            if placed is not None or operands[0] != name:
                return None
            placed = ctm
    return placed


def _multiply(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """PDF matrix product ``m × n`` of [a b c d e f] matrices."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _covers(ctm: tuple[float, ...], left: float, bottom: float, width: float, height: float) -> bool:
    """True when the unit square under ``ctm`` is upright and fills the page box."""
    a, b, c, d, e, f = ctm
    tol_x, tol_y = COVER_TOLERANCE * width + 0.5, COVER_TOLERANCE * height + 0.5
    if abs(b) > 1e-6 or abs(c) > 1e-6 or a <= 0 or d <= 0:
        return False
    return (abs(e - left) <= tol_x and abs(f - bottom) <= tol_y
            and abs(a - width) <= tol_x and abs(d - height) <= tol_y)


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:120]
