"""Where exactly a value's ink is inside its search region (for a tight crop re-read).

Values are written over dotted leader lines, a little above or below the label's
baseline. Inside the region right of a label, the connected components tall enough
to be letters (not leader dots, not rules) are the value; their union, padded, is
the box to re-read. Pure image arithmetic (OpenCV on a numpy array), no OCR.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

from sohoa.model import BBox

log = logging.getLogger(__name__)


def _gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image


def _ink(gray: np.ndarray) -> np.ndarray:
    """Ink mask (255 = ink) by Otsu; a dark crop (a rubbing: light letters on graphite) is inverted."""
    mode = cv2.THRESH_BINARY if float(np.median(gray)) < 110 else cv2.THRESH_BINARY_INV
    _, ink = cv2.threshold(gray, 0, 255, mode + cv2.THRESH_OTSU)
    return ink


def value_box(image: np.ndarray, region: BBox, line_height: int, *, below: bool = False) -> BBox | None:
    """The box of the letter-sized ink in ``region`` (grown vertically by a line), or None.

    Components between 0.35 and 2.6 line heights tall and not wider than 40 line
    heights count as letters; those whose centre lies in the region's vertical
    middle (± one line height; anywhere when ``below``) make up the value.
    """
    h = max(6, line_height)
    ih, iw = image.shape[:2]
    cy = (region.y0 + region.y1) / 2
    grow = 0 if below else h
    y0, y1 = max(0, region.y0 - grow), min(ih, region.y1 + grow)
    x0, x1 = max(0, region.x0), min(iw, region.x1)
    if x1 - x0 < 3 or y1 - y0 < 3:
        return None
    ink = _ink(_gray(image[y0:y1, x0:x1]))
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    boxes = []
    for i in range(1, n):
        x, y, w, hh, _area = (int(v) for v in stats[i])
        if not 0.35 * h <= hh <= 2.6 * h or w > 40 * h:
            continue
        ccy = y0 + y + hh / 2
        if not below and abs(ccy - cy) > 1.0 * h:
            continue
        boxes.append((x0 + x, y0 + y, x0 + x + w, y0 + y + hh))
    if not boxes:
        return None
    if below:  # the first row of letters under the label
        top = min(b[1] for b in boxes)
        boxes = [b for b in boxes if b[1] < top + 1.2 * h]
    pad = max(3, h // 3)
    return BBox(x0=max(0, min(b[0] for b in boxes) - pad), y0=max(0, min(b[1] for b in boxes) - pad),
                x1=min(iw, max(b[2] for b in boxes) + pad), y1=min(ih, max(b[3] for b in boxes) + pad))


def without_dots(image: np.ndarray, box: BBox, line_height: int) -> np.ndarray:
    """The crop at ``box`` as greyscale, with leader dots and specks (much smaller than a letter) erased.

    Only for identifiers: the dot under a Vietnamese vowel is a speck too.
    """
    h = max(6, line_height)
    crop = _gray(image[box.y0:box.y1, box.x0:box.x1]).copy()
    if crop.size == 0:
        return crop
    ink = _ink(crop)
    if float(np.median(crop)) < 110:  # a rubbing: read it as dark letters on light paper
        crop = 255 - crop
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights, widths = stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH]
    small = [i for i in range(1, n) if heights[i] < 0.3 * h and widths[i] < 0.45 * h]
    if small:
        crop[np.isin(labels, small)] = 255
    return crop
