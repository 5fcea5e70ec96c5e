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
    content = _content_pixels_mask(grey)
    sample = grey[content] if content.any() else grey.ravel()
    low, high = (float(v) for v in np.percentile(sample, (5, 95)))
    contrast = high - low
    smooth = cv2.GaussianBlur(grey, (0, 0), NOISE_SIGMA)
    sharpness = _sharpness(smooth, content, low, high) if content.any() else 0.0
    reasons = _reasons(sharpness, contrast, dpi, has_content=bool(content.any()))
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


def _content_pixels_mask(grey: np.ndarray) -> np.ndarray:
    """Pixels of the tiles whose grey-level spread shows ink (above paper noise)."""
    rows, cols = grey.shape[0] // TILE_PX, grey.shape[1] // TILE_PX
    mask = np.zeros(grey.shape, dtype=bool)
    if rows == 0 or cols == 0:
        mask[:] = True
        return mask
    tiles = grey[: rows * TILE_PX, : cols * TILE_PX].reshape(rows, TILE_PX, cols, TILE_PX)
    std = tiles.std(axis=(1, 3), dtype=np.float32)
    keep = std > CONTENT_TILE_STD
    if int(keep.sum()) < MIN_CONTENT_TILES:
        return mask
    mask[: rows * TILE_PX, : cols * TILE_PX] = np.repeat(np.repeat(keep, TILE_PX, axis=0), TILE_PX, axis=1)
    return mask


def _sharpness(grey: np.ndarray, content: np.ndarray, low: float, high: float) -> float:
    """Variance of the Laplacian over content tiles, grey levels stretched so p5..p95 is 0..255."""
    span = max(high - low, 1.0)
    stretched = (grey.astype(np.float32) - low) * (255.0 / span)
    laplacian = cv2.Laplacian(stretched, cv2.CV_32F, ksize=1)
    return float(laplacian[content].var())
