"""Scan quality of one page: sharpness, contrast, resolution, and whether to rescan.

Scores are measured where the page has content: the page, brought to a 300 DPI
scale, is cut into tiles of about 1/5 inch and only tiles holding ink count, so a
sparse form page is not called "low contrast" for its white margins.

- ``sharpness`` (reported) is the variance of the Laplacian over those tiles, lightly
  smoothed against scanner noise and scaled as if grey levels p5..p95 spanned 0..255.
  It depends on what the page holds as well as on focus: measured on generated
  dossier pages, clean ID-card and certificate copies score as low as blurred forms.
- "blurred" is therefore decided by the edge width: the Gaussian sigma that explains
  the steepest grey-level slope of each strongly contrasted tile (a step of height C
  blurred by sigma has a largest slope of C / (sigma * sqrt(2 pi))), the median over
  tiles. It measures focus whatever the font, the page type or the ink contrast.
"""

from __future__ import annotations

import logging
import math

import cv2
import numpy as np

from sohoa.model import Quality

log = logging.getLogger(__name__)

REFERENCE_DPI = 300
TILE_PX = 64  # at 300 DPI: ~0.21 in, about one text line high
CONTENT_TILE_STD = 6.0  # grey-level std above scanner noise on blank paper (median-filtered)
MIN_CONTENT_TILES = 4
HALO = 6  # px of context around a tile: the smoothing (radius 4) then the slope/Laplacian (radius 1) reach 5
NOISE_SIGMA = 1.0  # Gaussian pre-smoothing (300 DPI px) so scanner noise doesn't pass for sharp edges
STRONG_EDGE_SHARE = 0.5  # edge tiles: local contrast at least half the page's 90th percentile
# Thresholds from measurements (edge width in 300 DPI pixels, pre-smoothing included; blur = Gaussian
# sigma in 300 DPI pixels; contrast = p95 - p5 grey levels):
#   generated text pages (tests/ingest/pagegen.py): clean 300/200/150 DPI 1.21/1.24/1.37, + noise 12
#     1.23; blur 1.0: 1.50, 1.5: 1.72, 2.0: 1.98 (at 200 DPI 2.01), 3.0: 2.60.
#     contrast: clean 255, grey paper 185, faded ink 100/80/60/40 -> 100/80/60/40.
#   `sohoa samples` dossiers (56 pages, seed 11): clean 1.25-1.36 (contrast 144-213); fair 1.32-2.20,
#     rising with their blur; poor 1.48-2.39 (contrast 47-92).
# "blurred" from 1.7: no clean page, the fair pages blurred by 1.3 px or more, 7 of 8 poor pages,
# synthetic blur from 1.5 px. "low contrast" under 75 levels: between faded 80 and 60. Neither is
# yet tuned against OCR accuracy.
BLUR_EDGE_WIDTH = 1.7
LOW_CONTRAST = 75.0
MIN_DPI = 150


def assess(image: np.ndarray, dpi: int) -> Quality:
    """Score one page's scan quality and advise a rescan with the reasons.

    ``image`` is uint8 greyscale or BGR; ``dpi`` its resolution.
    """
    grey = _at_reference_dpi(_grey(image), dpi)
    keep = _content_tiles(grey)
    has_content = int(keep.sum()) >= MIN_CONTENT_TILES
    low, high = _percentiles(_tile_pixels(grey, keep) if has_content else grey, 5, 95)
    contrast = high - low
    sharpness, width = _focus(grey, keep, contrast) if has_content else (0.0, 0.0)
    log.debug("quality: sharpness %.1f, edge width %.2f px, contrast %.0f, %d DPI", sharpness, width, contrast, dpi)
    reasons = _reasons(width, contrast, dpi, has_content=has_content)
    return Quality(
        sharpness=round(sharpness, 2),
        contrast=round(contrast, 2),
        dpi=max(1, int(dpi)),
        rescan_advised=bool(reasons),
        reasons=reasons,
    )


def edge_width(image: np.ndarray, dpi: int) -> float:
    """The page's blur as a Gaussian sigma in 300 DPI pixels (0.0 for a page without ink)."""
    grey = _at_reference_dpi(_grey(image), dpi)
    keep = _content_tiles(grey)
    if int(keep.sum()) < MIN_CONTENT_TILES:
        return 0.0
    low, high = _percentiles(_tile_pixels(grey, keep), 5, 95)
    return _focus(grey, keep, high - low)[1]


def _reasons(width: float, contrast: float, dpi: int, *, has_content: bool) -> tuple[str, ...]:
    reasons = []
    if has_content and width > BLUR_EDGE_WIDTH:
        reasons.append("blurred")
    if has_content and contrast < LOW_CONTRAST:
        reasons.append("low contrast")
    if dpi < MIN_DPI:
        reasons.append(f"resolution below {MIN_DPI} DPI")
    return tuple(reasons)


def _grey(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def _at_reference_dpi(grey: np.ndarray, dpi: int) -> np.ndarray:
    """The page resampled to what a 300 DPI scan of it would be, lightly median-filtered."""
    scale = REFERENCE_DPI / max(1, dpi)
    if abs(scale - 1.0) > 0.02:
        method = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=method)
    return cv2.medianBlur(grey, 3)


def _content_tiles(grey: np.ndarray) -> np.ndarray:
    """Boolean grid of the tiles whose grey-level spread shows ink (std above paper noise)."""
    rows, cols = grey.shape[0] // TILE_PX, grey.shape[1] // TILE_PX
    if rows == 0 or cols == 0:
        return np.zeros((0, 0), dtype=bool)
    crop = grey[: rows * TILE_PX, : cols * TILE_PX].astype(np.float32)
    mean = cv2.resize(crop, (cols, rows), interpolation=cv2.INTER_AREA)  # exact block means
    mean_sq = cv2.resize(crop * crop, (cols, rows), interpolation=cv2.INTER_AREA)
    std = np.sqrt(np.maximum(mean_sq - mean * mean, 0.0))
    return np.asarray(std > CONTENT_TILE_STD)


def _tile_pixels(image: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """The pixels of the kept tiles, as a (tiles, TILE_PX, TILE_PX) array."""
    rows, cols = keep.shape
    blocks = image[: rows * TILE_PX, : cols * TILE_PX].reshape(rows, TILE_PX, cols, TILE_PX)
    return np.asarray(blocks.transpose(0, 2, 1, 3)[keep])


def _percentiles(pixels: np.ndarray, low: float, high: float) -> tuple[float, float]:
    """Two percentiles of uint8 grey levels, from their histogram (no sort of the page)."""
    counts = np.bincount(pixels.ravel(), minlength=256).cumsum()
    total = max(int(counts[-1]), 1)
    first = int(np.searchsorted(counts, total * low / 100.0))
    last = int(np.searchsorted(counts, total * high / 100.0))
    return float(first), float(last)


def _focus(grey: np.ndarray, keep: np.ndarray, span: float) -> tuple[float, float]:
    """(sharpness, edge width) of the content tiles; see the module docstring.

    Filtered only where it counts: each content tile is cut out with a margin wider than
    the filters reach and the cut-outs are filtered stacked as one image, so a sparse
    form page (a fifth of its tiles hold ink) costs a fraction of filtering the page.
    """
    smooth = cv2.GaussianBlur(_tile_windows(grey, keep).astype(np.float32), (0, 0), NOISE_SIGMA)
    laplacian = cv2.Laplacian(smooth, cv2.CV_32F, ksize=1)
    # The Laplacian is linear: stretching grey levels p5..p95 to 0..255 scales its variance by (255/span)^2.
    sharpness = float(_inner(laplacian).var(dtype=np.float64)) * (255.0 / max(span, 1.0)) ** 2
    return sharpness, _edge_width(smooth)


def _tile_windows(grey: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """The kept tiles (row-major order) with HALO pixels of context each side, stacked into one tall image.

    The page is first extended by mirroring (as the filters extend it), so the filtered
    tiles are those of the filtered page; stacking mixes neighbouring cut-outs only
    within their halos, which the measurements drop (:func:`_inner`).
    """
    padded = cv2.copyMakeBorder(grey, HALO, HALO, HALO, HALO, cv2.BORDER_REFLECT_101)
    side = TILE_PX + 2 * HALO
    rows, cols = np.nonzero(keep)
    windows = np.empty((rows.size, side, side), dtype=grey.dtype)
    for i, (r, c) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
        windows[i] = padded[r * TILE_PX : r * TILE_PX + side, c * TILE_PX : c * TILE_PX + side]
    return windows.reshape(rows.size * side, side)


def _inner(stacked: np.ndarray) -> np.ndarray:
    """The tiles of a stacked image of windows, without their halos: (tiles, TILE_PX, TILE_PX)."""
    side = TILE_PX + 2 * HALO
    windows = stacked.reshape(-1, side, side)
    return windows[:, HALO : HALO + TILE_PX, HALO : HALO + TILE_PX]


def _edge_width(smooth: np.ndarray) -> float:
    """Median over strongly contrasted tiles of local contrast / (sqrt(2 pi) * steepest slope).

    ``smooth`` is the smoothed stacked windows of the content tiles (:func:`_tile_windows`).
    """
    # Steepest slope along x or y (text strokes are mostly upright or level), in grey levels per pixel:
    # the 3x3 Sobel kernel weighs a unit slope 8; uint8 saturates at 255, far above a blurred step's slope.
    across = cv2.convertScaleAbs(cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3), alpha=1 / 8)
    down = cv2.convertScaleAbs(cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3), alpha=1 / 8)
    steepest = _inner(cv2.max(across, down)).max(axis=(1, 2)).astype(np.float32)
    tiles = _inner(smooth)
    local = tiles.max(axis=(1, 2)) - tiles.min(axis=(1, 2))
    strong = local >= STRONG_EDGE_SHARE * float(np.percentile(local, 90))
    widths = local[strong] / (math.sqrt(2 * math.pi) * np.maximum(steepest[strong], 1e-3))
    return float(np.median(widths)) if widths.size else 0.0
