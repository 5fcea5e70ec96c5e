"""Raster helpers shared by the preparation stages: grey conversion and downscaling."""

from __future__ import annotations

import cv2
import numpy as np

MAX_SIDE = 1700  # pages are measured (skew, orientation) on a copy no larger than this
BACKGROUND_DPI = 40  # resolution the paper's brightness is estimated at (see flatten_background)


def to_gray(image: np.ndarray) -> np.ndarray:
    """Greyscale uint8 view of a greyscale, BGR or BGRA image (16-bit scans are scaled to 8 bits)."""
    if image.dtype != np.uint8:
        image = to_uint8(image)
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if image.ndim == 2:
        return image
    code = cv2.COLOR_BGRA2GRAY if image.shape[2] == 4 else cv2.COLOR_BGR2GRAY
    return cv2.cvtColor(image, code)


def to_uint8(image: np.ndarray) -> np.ndarray:
    """8-bit copy of an integer image of another depth (its full range mapped to 0-255) or of a float one."""
    if np.issubdtype(image.dtype, np.integer):
        top = float(np.iinfo(image.dtype).max)
        return (image.astype(np.float64) * (255.0 / top)).round().clip(0, 255).astype(np.uint8)
    return np.clip(image, 0, 255).astype(np.uint8)


def downscale(gray: np.ndarray, max_side: int = MAX_SIDE) -> np.ndarray:
    """Shrink so the longest side is at most ``max_side`` (area interpolation)."""
    scale = max_side / max(gray.shape[:2])
    if scale >= 1:
        return gray
    return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def odd(n: float) -> int:
    """The odd integer >= 3 nearest ``n`` (a kernel size)."""
    k = max(3, round(n))
    return k if k % 2 else k + 1


def flatten_background(gray: np.ndarray, dpi: int) -> np.ndarray:
    """Divide by the paper's brightness (a max filter wider than any glyph) so the paper becomes white.

    The brightness is estimated on reduced copies, as it is smooth: the max filter at
    about 75 DPI, then its median (which removes what is left of large dark areas) at
    about BACKGROUND_DPI with a 5 px window, OpenCV's fast median (a median of 11 px
    or more costs ~25 ms a page, most of the cleaning).
    """
    k = odd(dpi / 8)
    small = max(1, dpi // 75)
    h, w = gray.shape[:2]
    reduced = gray
    if small > 1:
        reduced = cv2.resize(gray, None, fx=1 / small, fy=1 / small, interpolation=cv2.INTER_AREA)
    window = odd(k / small)
    background = cv2.dilate(reduced, cv2.getStructuringElement(cv2.MORPH_RECT, (window, window)))
    factor = (dpi / small) / BACKGROUND_DPI
    if factor > 1.5:  # the median on a further reduced copy
        bh, bw = background.shape[:2]
        size = (max(1, round(bw / factor)), max(1, round(bh / factor)))
        background = cv2.resize(background, size, interpolation=cv2.INTER_AREA)
        background = cv2.medianBlur(background, odd(window / factor))
    else:
        background = cv2.medianBlur(background, window)
    if background.shape[:2] != (h, w):
        background = cv2.resize(background, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, np.maximum(background, 1), scale=255)  # saturates at white
