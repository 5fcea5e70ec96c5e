"""Cleaning for OCR: dark scan borders removed, illumination evened out, noise reduced.

Every step is sized by the page's resolution so that thin Vietnamese diacritics
(the dot of ệ, the hook of ở, the tilde of ữ) survive: the background is
estimated with a window far larger than any glyph, and noise is only filtered
where it was measured on the paper. The result is greyscale on white paper;
binarization (Sauvola) is not used by default, because measured on our pages
Tesseract reads the normalized greyscale at an equal or lower CER (its own
binarizer then sees clean paper). Where it does not, the read stage reads the
page a second time binarized (``ocr.prepare.read_best``).
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

from ocr.raster import flatten_background, odd, to_gray
from sohoa.context import StageContext
from sohoa.model import PageWork

log = logging.getLogger(__name__)

BINARIZE = False  # measured: see module docstring and tests/ocr/test_clean.py; weak pages: ocr.prepare
REMOVE_LEADERS = True
NOISE_SIGMA = 8.0  # estimated paper noise (grey levels) above which the page is denoised (measured)
LEADER_MIN_DOTS = 5  # dots in a row that make a leader line (an ellipsis has 3)
BORDER_DARK = 90  # grey level (after a 5x5 median) under which a region is dark
EDGE_STRIP = 5  # rows/columns filtered to find dark pixels on the page edge
BORDER_EXTENT = 0.2  # a dark region touching the edge and this long (share of the side) is a scan border


def remove_borders(gray: np.ndarray) -> np.ndarray:
    """Paint white the large dark regions that touch the page edge (scanner lid, book edges)."""
    if not _dark_on_edge(gray):
        return gray  # no dark region touches the edge: nothing to look for inside
    h, w = gray.shape
    dark = (cv2.medianBlur(gray, 5) < BORDER_DARK).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    x, y = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    bw, bh = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    touches = (x == 0) | (y == 0) | (x + bw == w) | (y + bh == h)
    long_ = (bw >= BORDER_EXTENT * w) | (bh >= BORDER_EXTENT * h)
    border = touches & long_
    border[0] = False
    if not border.any():
        return gray
    mask = border[labels].astype(np.uint8)
    mask = cv2.dilate(mask, np.ones((5, 5), np.uint8))
    out = gray.copy()
    out[mask > 0] = 255
    log.debug("scan border removed (%d regions)", int(border.sum()))
    return out


def _dark_on_edge(gray: np.ndarray) -> bool:
    """Whether any pixel on the page's outer edge is dark after :func:`remove_borders`' median filter.

    Exact and cheap: the 5x5 median (its edge replicated) of an edge pixel depends only on
    the 3 outermost rows or columns, so thin strips are filtered instead of the page.
    """
    h, w = gray.shape
    if min(h, w) < 2 * EDGE_STRIP:
        return True
    strips = ((gray[:EDGE_STRIP], 0, None), (gray[-EDGE_STRIP:], -1, None),
              (gray[:, :EDGE_STRIP], None, 0), (gray[:, -EDGE_STRIP:], None, -1))
    for strip, row, col in strips:
        median = cv2.medianBlur(np.ascontiguousarray(strip), 5)
        edge = median[row] if row is not None else median[:, col]
        if int(edge.min()) < BORDER_DARK:
            return True
    return False


def paper_noise(gray: np.ndarray) -> float:
    """Noise of the paper in grey levels: Immerkaer's Laplacian estimator on flat (glyph-free) areas.

    Measured on the central part of the page (at most 1200 px square): noise is even over a scan.
    """
    h, w = gray.shape
    top, left = max(0, (h - 1200) // 2), max(0, (w - 1200) // 2)
    gray = gray[top : top + 1200, left : left + 1200]
    smooth = cv2.medianBlur(gray, 5)
    kernel = np.ones((7, 7), np.uint8)
    flat = (cv2.dilate(smooth, kernel) - cv2.erode(smooth, kernel)) < 25
    mask = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    response = np.abs(cv2.filter2D(gray.astype(np.float32), -1, mask))[flat]
    if response.size < 1000:
        return 0.0
    return float(np.sqrt(np.pi / 2) / 6 * response.mean())


def denoise(gray: np.ndarray, sigma: float) -> np.ndarray:
    """Non-local means with a strength matched to the measured noise (keeps thin strokes, unlike a median)."""
    return cv2.fastNlMeansDenoising(gray, None, h=float(min(3 + sigma * 0.8, 20)), templateWindowSize=5,
                                    searchWindowSize=15)


def sauvola(gray: np.ndarray, dpi: int, k: float = 0.2, r: float = 128.0) -> np.ndarray:
    """Sauvola binarization (window ~ 1/6 inch): black ink 0 on white 255."""
    window = odd(dpi / 6)
    g = gray.astype(np.float64)
    mean = cv2.boxFilter(g, -1, (window, window))
    sq = cv2.boxFilter(g * g, -1, (window, window))
    std = np.sqrt(np.maximum(sq - mean * mean, 0))
    threshold = mean * (1 + k * (std / r - 1))
    return np.where(g > threshold, 255, 0).astype(np.uint8)


def _dot_components(ink: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Labels of ``ink``, and the ids and stats rows of its dot-sized components (leader dots, i-dots...)."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    size = max(2.0, dpi / 40)  # a dot is at most ~0.6 mm across
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    dots = np.flatnonzero((w <= size) & (h <= size) & (np.maximum(w, h) <= 2.5 * np.minimum(w, h)))
    dots = dots[dots > 0]
    return labels, dots, stats[dots]


def _chained(stats: np.ndarray, dpi: int) -> np.ndarray:
    """Which dots lie on a leader row: a horizontal chain of at least LEADER_MIN_DOTS evenly set dots,
    or the row of such a chain where the typed value broke it (bool per dot)."""
    centres = np.column_stack([stats[:, 0] + stats[:, 2] / 2, stats[:, 1] + stats[:, 3] / 2])
    if len(centres) < LEADER_MIN_DOTS:
        return np.zeros(len(centres), bool)
    row_tol, gap = max(1.5, dpi / 100), dpi / 12
    order = np.lexsort((centres[:, 0], np.round(centres[:, 1] / row_tol)))
    xs, ys = centres[order, 0], centres[order, 1]
    linked = (np.abs(np.diff(ys)) <= row_tol) & (np.diff(xs) > 0) & (np.diff(xs) <= gap)
    chain_id = np.concatenate([[0], np.cumsum(~linked)])
    out = np.zeros(len(centres), bool)
    out[order] = np.bincount(chain_id)[chain_id] >= LEADER_MIN_DOTS
    rows = np.unique(np.round(centres[out, 1]))
    if rows.size:
        out |= np.abs(centres[:, 1][:, None] - rows[None, :]).min(axis=1) <= row_tol / 2
    return out


def _under_ink(ink: np.ndarray, stats: np.ndarray, dpi: int) -> np.ndarray:
    """Which dots have ink just above them: the dot below ạ/ị/ọ, the foot of a colon (bool per dot)."""
    reach = max(2, round(dpi / 40))  # the dot below a letter sits within ~0.5 mm of it
    table = cv2.integral(ink.astype(np.uint8))  # (h+1, w+1) summed-area table
    x0 = np.clip(stats[:, 0] - 1, 0, ink.shape[1])
    x1 = np.clip(stats[:, 0] + stats[:, 2] + 1, 0, ink.shape[1])
    y1 = np.clip(stats[:, 1] - 1, 0, ink.shape[0])
    y0 = np.clip(y1 - reach, 0, ink.shape[0])
    above = table[y1, x1] - table[y0, x1] - table[y1, x0] + table[y0, x0]
    return above > 0


def remove_leader_dots(gray: np.ndarray, dpi: int) -> np.ndarray:
    """Paint white the dotted leader lines of a form.

    Values typed over or near a leader line read as garbage when the dots touch the
    word boxes ("Cục--Cảnh--sát"). A dot is removed only when it lies on a leader row
    AND has no ink within ~0.5 mm above it, so the dot below ạ/ị/ọ of a value typed on
    the line, an i-dot or an ellipsis stay (a colon's foot on the row may go). Measured
    on generated forms: typed values read verbatim 11 → 21 of 51; a variant without
    the ink-above guard read 28 but erased dots below letters, so it was not kept.
    """
    otsu, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = gray <= min(otsu, 200)
    labels, dots, stats = _dot_components(ink, dpi)
    if dots.size == 0:
        return gray
    leader = dots[_chained(stats, dpi) & ~_under_ink(ink, stats, dpi)]
    if leader.size == 0:
        return gray
    remove = np.zeros(labels.max() + 1, bool)
    remove[leader] = True
    mask = cv2.dilate(remove[labels].astype(np.uint8), np.ones((3, 3), np.uint8))
    out = gray.copy()
    out[mask > 0] = 255
    log.debug("%d leader dots removed", leader.size)
    return out


def clean_image(
    image: np.ndarray, dpi: int, *, binarize: bool = BINARIZE, leaders: bool = REMOVE_LEADERS
) -> np.ndarray:
    """The cleaned greyscale (or binary) page: borders removed, background flattened, noise filtered."""
    gray = remove_borders(to_gray(image))
    sigma = paper_noise(gray)
    if sigma > NOISE_SIGMA:
        log.debug("paper noise %.1f grey levels: denoising", sigma)
        gray = denoise(gray, sigma)
    gray = flatten_background(gray, dpi)
    if leaders:
        gray = remove_leader_dots(gray, dpi)
    return sauvola(gray, dpi) if binarize else gray


def clean(work: PageWork, ctx: StageContext) -> PageWork:
    """Clean the page for OCR (see :func:`clean_image`); the page model only records the stage."""
    image = clean_image(work.image, work.page.dpi)
    return work.evolve(image=image, stages=(*work.page.stages, "clean"))
