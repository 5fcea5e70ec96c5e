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


#: the search for a rubbing strip under its label reaches this many label heights down
STRIP_BELOW = 9.0
#: the height (pixels) a rubbing's letters, with their margin, are scaled to before they are re-read
#: (chosen on the rubbings of training seeds 7, 8 and 31; 44-66 px read within a few strips of it)
RUBBING_CROP_PX = 53.3


def rubbing_strip(image: np.ndarray, label: BBox, line_height: int) -> BBox | None:
    """The pasted rubbing (a graphite-grey strip) right under a label, or None when there is none.

    The page is blurred by a third of a line so letters and strokes melt into one
    dark area; the topmost dark area under the label at least 1.5 lines tall, 4 lines
    wide and mostly filled is the strip.
    """
    h = max(6, line_height)
    gray = _gray(image)
    ih, iw = gray.shape[:2]
    y0, y1 = min(ih, label.y1), min(ih, label.y1 + int(STRIP_BELOW * h))
    x0 = max(0, label.x0 - 2 * h)
    if y1 - y0 < 2 * h or iw - x0 < 4 * h:
        return None
    blur = cv2.GaussianBlur(gray[y0:y1, x0:iw], (0, 0), h / 3)
    k = (h // 2) * 2 + 1
    dark = cv2.morphologyEx((blur < 200).astype(np.uint8), cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    found = [(int(y), int(x), int(w), int(hh)) for x, y, w, hh, area in stats[1:n]
             if hh >= 1.5 * h and w >= 4 * h and area >= 0.3 * w * hh]
    if not found:
        return None
    y, x, w, hh = min(found)
    return BBox(x0=x0 + x, y0=y0 + y, x1=x0 + x + w, y1=y0 + y + hh)


def rubbing_letters(image: np.ndarray, box: BBox) -> np.ndarray:
    """The letters of a rubbing at ``box`` as black ink on white, scaled for re-reading.

    Stamped letters show lighter than the graphite around them: a white top-hat
    (a quarter of the strip's height) keeps what is lighter than its neighbourhood,
    Otsu splits it, and only letter-sized parts in the letters' row are kept
    (not the strip's ragged light margins nor its frame).
    """
    crop = _gray(image[box.y0:box.y1, box.x0:box.x1])
    if crop.size == 0:
        return crop.copy()
    k = max(15, int(crop.shape[0] * 0.25)) | 1
    hat = cv2.morphologyEx(crop, cv2.MORPH_TOPHAT, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    _, light = cv2.threshold(cv2.GaussianBlur(hat, (0, 0), 1.0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    letters = _letters_only(light)
    scale = RUBBING_CROP_PX / max(1, letters.shape[0])
    return cv2.resize(letters, None, fx=scale, fy=scale,
                      interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)


def _letters_only(ink: np.ndarray) -> np.ndarray:
    """Black-on-white image of the letter-sized parts of ``ink`` (255 = ink), cut to them.

    Letters are the parts whose height is near the median of the tall, narrow ones, not
    touching the crop's edge, at least 0.3 of a letter wide and standing on the
    letters' common top and bottom lines; smaller parts inside their row (a
    hyphen, a broken stroke) are kept too, parts inside another part's box (the
    dot of a zero) are not.
    """
    hgt, wid = ink.shape
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    tall = [int(stats[i, 3]) for i in range(1, n) if stats[i, 3] > 0.3 * hgt and stats[i, 2] < 0.9 * hgt]
    if not tall:
        return 255 - ink
    est = float(np.median(tall))
    boxes = {i: (int(stats[i, 0]), int(stats[i, 1]), int(stats[i, 0] + stats[i, 2]), int(stats[i, 1] + stats[i, 3]))
             for i in range(1, n)}
    keep = [i for i, (x0, y0, x1, y1) in boxes.items()
            if x0 > 0 and y0 > 0 and x1 < wid and y1 < hgt and 0.6 * est <= y1 - y0 <= 1.3 * est
            and 0.3 * est <= x1 - x0 <= 1.5 * est]
    if keep:
        top = float(np.median([boxes[i][1] for i in keep]))
        bottom = float(np.median([boxes[i][3] for i in keep]))
        keep = [i for i in keep if abs(boxes[i][1] - top) < 0.25 * est and abs(boxes[i][3] - bottom) < 0.25 * est]
    if not keep:
        return 255 - ink
    letters = [boxes[i] for i in keep]
    y0, y1 = min(b[1] for b in letters), max(b[3] for b in letters)
    x0, x1 = min(b[0] for b in letters), max(b[2] for b in letters)
    for i, (a0, b0, a1, b1) in boxes.items():
        if i in keep or b1 - b0 >= 1.3 * est or int(stats[i, 4]) < 0.02 * est * est:
            continue
        inside_row = b0 >= y0 - 0.1 * est and b1 <= y1 + 0.1 * est and a0 >= x0 - est and a1 <= x1 + est
        in_letter = any(p0 < a0 and q0 < b0 and a1 < p1 and b1 < q1 for p0, q0, p1, q1 in letters)
        if inside_row and not in_letter:
            keep.append(i)
    out = np.where(np.isin(labels, keep), 0, 255).astype(np.uint8)
    for piece in _loosened(labels, stats, letters, est):
        out[piece] = 0
    pad = int(0.3 * est)
    return out[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad].copy()


def _loosened(labels: np.ndarray, stats: np.ndarray, letters: list[tuple[int, int, int, int]],
              est: float) -> list[np.ndarray]:
    """Letters grown into the strip's light margin (a "9" joined to the pale band under it), cut loose.

    A part taller than a letter is cut to the letters' row; what is left is a letter
    when it is letter-wide and stands one letter pitch (the die's fixed spacing) from a
    letter: so a margin alone, or a smudge off the pitch, is not taken.
    """
    if len(letters) < 3:
        return []
    centres = sorted((a + c) / 2 for a, _, c, _ in letters)
    pitch = float(np.median(np.diff(centres)))
    y0, y1 = min(b[1] for b in letters), max(b[3] for b in letters)
    lo, hi = y0, y1
    out = []
    for i in range(1, len(stats)):
        if stats[i, 3] <= 1.3 * est:
            continue
        band = np.zeros(labels.shape, np.uint8)
        band[lo:hi] = (labels[lo:hi] == i).astype(np.uint8)
        n, parts, pst, _ = cv2.connectedComponentsWithStats(band, connectivity=8)
        for j in range(1, n):
            x, _, w, h, area = (int(v) for v in pst[j])
            centre = x + w / 2
            gap = min(abs(centre - c) for c in centres)
            solid = area > 0.75 * w * h  # letters fill at most about 0.7 of their box; a margin's bar more
            if h >= 0.6 * est and 0.45 * est <= w <= 1.5 * est and 0.8 * pitch <= gap <= 1.2 * pitch and not solid:
                out.append(parts == j)
    return out
