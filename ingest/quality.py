"""Scan quality of one page: sharpness, contrast, resolution, and whether to rescan.

Scores are measured where the page has content: the page is cut into tiles of
about 1/5 inch and only tiles holding ink edges count, so a sparse form page is
not called "low contrast" for its white margins. Sharpness is the variance of the
Laplacian on the page brought to a 300 DPI scale, lightly smoothed against
scanner noise and stretched to full contrast,
so it measures focus alone and compares across resolutions and paper tones.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

from sohoa.model import Quality

log = logging.getLogger(__name__)

REFERENCE_DPI = 300
TILE_PX = 64  # at 300 DPI: ~0.21 in, about one text line high
CONTENT_TILE_STD = 6.0  # grey-level std above scanner noise on blank paper (median-filtered)
MIN_CONTENT_TILES = 4
# Thresholds picked from measurements on generated A4 pages of Vietnamese text (tests/ingest/pagegen.py),
# Gaussian blur sigma in 300 DPI pixels, noise sigma in grey levels:
#   sharpness: clean 300/200/150 DPI 351/290/292, clean + noise 12: 342, grey paper: 340,
#              blur 1.0: 243, blur 1.5: 161 (at 150 DPI: 152), blur 2: 103 (+ noise 12: 109), blur 3: 43.
#   contrast:  clean 255 (grey paper 185, blur 3 128); faded ink on grey paper 100/80/60/40 -> 100/80/60/40.
# The blur threshold sits between sigma 1.0 and 1.5, with a margin below the clean 150 DPI page; the
# contrast threshold sits between the 80 and 60 levels. Neither is yet tuned against OCR accuracy.
BLUR_SHARPNESS = 200.0
LOW_CONTRAST = 75.0
MIN_DPI = 150
NOISE_SIGMA = 1.0  # Gaussian pre-smoothing (300 DPI px) so scanner noise doesn't pass for sharp edges


def assess(image: np.ndarray, dpi: int) -> Quality:
    """Score one page's scan quality and advise a rescan with the reasons.

    ``image`` is uint8 greyscale or BGR; ``dpi`` its resolution.
    """
    grey = _at_reference_dpi(_grey(image), dpi)
    keep = _content_tiles(grey)
    has_content = int(keep.sum()) >= MIN_CONTENT_TILES
    low, high = _percentiles(_tile_pixels(grey, keep) if has_content else grey, 5, 95)
    contrast = high - low
    sharpness = _sharpness(grey, keep, high - low) if has_content else 0.0
    reasons = _reasons(sharpness, contrast, dpi, has_content=has_content)
    return Quality(
        sharpness=round(sharpness, 2),
        contrast=round(contrast, 2),
        dpi=max(1, int(dpi)),
        rescan_advised=bool(reasons),
        reasons=reasons,
    )


def _reasons(sharpness: float, contrast: float, dpi: int, *, has_content: bool) -> tuple[str, ...]:
    reasons = []
    if has_content and sharpness < BLUR_SHARPNESS:
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


def _sharpness(grey: np.ndarray, keep: np.ndarray, span: float) -> float:
    """Variance of the Laplacian over content tiles, as if grey levels p5..p95 spanned 0..255.

    The Laplacian is linear, so stretching the grey levels scales its variance by
    ``(255 / span)²``; the page itself is never stretched.
    """
    smooth = cv2.GaussianBlur(grey.astype(np.float32), (0, 0), NOISE_SIGMA)
    laplacian = cv2.Laplacian(smooth, cv2.CV_32F, ksize=1)
    variance = float(_tile_pixels(laplacian, keep).var(dtype=np.float64))
    return variance * (255.0 / max(span, 1.0)) ** 2
