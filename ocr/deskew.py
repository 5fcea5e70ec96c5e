"""Skew: measure the angle of the text lines and turn the page level.

The measurement keeps the text-sized connected components of a binarized,
downscaled copy (dropping scan borders, photos and vertical rules), then finds
the angle whose projection along the lines is the most peaked (text lines give
sharp rows of ink and white gaps between them): a coarse search over ±15° then a
fine one to 0.05°. Points are projected directly (no image is rotated per angle).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np

from ocr.raster import downscale, flatten_background, to_gray
from sohoa.context import StageContext
from sohoa.model import PageWork

log = logging.getLogger(__name__)

MAX_ANGLE = 15.0
INK_CONTRAST = 50  # grey levels under the local paper for a pixel to count as ink
MIN_INK_PIXELS = 300
MIN_COMPONENTS = 12
MIN_PEAKINESS = 1.5  # best profile score over the score of a wrong angle; below it the page has no lines
MAX_POINTS = 120_000


@dataclass(frozen=True)
class InkPoints:
    """Pixel coordinates of text-sized ink on a downscaled copy of a page."""

    ys: np.ndarray
    xs: np.ndarray
    components: int

    def transposed(self) -> InkPoints:
        """The same ink seen on the page turned by 90°."""
        return InkPoints(ys=self.xs, xs=self.ys, components=self.components)


def ink_mask(gray: np.ndarray, dpi: int) -> np.ndarray:
    """Dark pixels that stand clearly off their local paper (bool), after a light median filter.

    The paper is flattened first, so text printed on a grey card or in a shadow is ink
    and the card or shadow itself is not.
    """
    flat = flatten_background(cv2.medianBlur(gray, 3), dpi)
    otsu, _ = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return flat <= min(otsu, 255 - INK_CONTRAST)


def ink_points(gray: np.ndarray, dpi: int) -> InkPoints | None:
    """Text-sized ink of ``gray`` (already downscaled, ``dpi`` its resolution), or None without text."""
    mask = ink_mask(gray, dpi).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    left, top = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    widths, heights, areas = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    h, w = gray.shape
    on_edge = (left == 0) | (top == 0) | (left + widths == w) | (top + heights == h)  # scanner frame, shadows
    keep = (heights <= h / 15) & (areas >= 3) & ~on_edge
    keep[0] = False
    kept = int(keep.sum())
    ys, xs = np.nonzero(keep[labels])
    if kept < MIN_COMPONENTS or ys.size < MIN_INK_PIXELS:
        return None
    if ys.size > MAX_POINTS:
        pick = np.random.default_rng(0).choice(ys.size, MAX_POINTS, replace=False)
        ys, xs = ys[pick], xs[pick]
    return InkPoints(ys=ys.astype(np.float32), xs=xs.astype(np.float32), components=kept)


def profile_score(points: InkPoints, degrees: float) -> float:
    """How peaked the projection of the ink along lines tilted by ``degrees`` is (CV² of the profile)."""
    theta = np.deg2rad(degrees)
    proj = points.ys * np.cos(theta) + points.xs * np.sin(theta)
    proj = np.rint(proj - proj.min()).astype(np.int64)
    hist = np.bincount(proj).astype(np.float64)
    mean = hist.mean()
    return float(hist.var() / (mean * mean)) if mean > 0 else 0.0


def _search(points: InkPoints, angles: np.ndarray) -> tuple[float, float]:
    scores = np.array([profile_score(points, a) for a in angles])
    best = int(scores.argmax())
    return float(angles[best]), float(scores[best])


def best_angle(points: InkPoints, max_angle: float = MAX_ANGLE) -> tuple[float, float]:
    """Coarse-to-fine search for the line angle: (degrees, profile score at that angle)."""
    angle, score = _search(points, np.arange(-max_angle, max_angle + 1e-6, 0.5))
    for step, span in ((0.1, 0.5), (0.02, 0.1)):
        angle, score = _search(points, np.arange(angle - span, angle + span + 1e-6, step))
    return angle, score


def guess_dpi(image: np.ndarray) -> int:
    """A resolution for a page whose DPI is unknown, taking it for A4 (at least 100)."""
    return max(100, round(max(image.shape[:2]) / 11.69))


def small_copy(image: np.ndarray, dpi: int | None) -> tuple[np.ndarray, int]:
    """The grey, downscaled copy the measurements work on, and its resolution."""
    gray = to_gray(image)
    small = downscale(gray)
    dpi = dpi or guess_dpi(image)
    return small, max(30, round(dpi * small.shape[0] / gray.shape[0]))


def measure_skew(image: np.ndarray, dpi: int | None = None) -> float | None:
    """The page's skew in degrees (positive: the scan is turned counter-clockwise); None without text."""
    points = ink_points(*small_copy(image, dpi))
    if points is None:
        return None
    return skew_of(points, *best_angle(points))


def skew_of(points: InkPoints, angle: float, score: float) -> float | None:
    """The skew the best line angle of ``points`` gives, or None when the ink has no clear text lines."""
    baseline = min(profile_score(points, angle + 45), profile_score(points, angle - 45))
    if baseline <= 0 or score / baseline < MIN_PEAKINESS:
        log.debug("no text lines found (peakiness %.2f)", score / baseline if baseline > 0 else 0)
        return None
    return round(angle, 2)


def rotate_level(image: np.ndarray, skew: float) -> np.ndarray:
    """Turn ``image`` clockwise by ``skew`` degrees about its centre, filling uncovered corners white."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -skew, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = round(h * sin + w * cos), round(h * cos + w * sin)
    matrix[0, 2] += new_w / 2 - w / 2
    matrix[1, 2] += new_h / 2 - h / 2
    white = (255,) * (1 if image.ndim == 2 else image.shape[2])
    return cv2.warpAffine(image, matrix, (new_w, new_h), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=white)


#: ``PageWork.extras`` key under which the orientation stage hands over the skew it measured
SKEW_HINT = "measured_skew"


def deskew(work: PageWork, ctx: StageContext) -> PageWork:
    """Measure the skew and turn the page level; a page without text lines is left as it is (skew 0).

    When the orientation stage left the page as it was, it has measured the skew on the
    same downscaled copy already and hands it over (``extras[SKEW_HINT]``).
    """
    skew = work.extras[SKEW_HINT] if SKEW_HINT in work.extras else measure_skew(work.image, work.page.dpi)
    stages = (*work.page.stages, "deskew")
    if skew is None or abs(skew) < 0.05:
        return work.evolve(skew=0.0 if skew is None else skew, stages=stages)
    image = rotate_level(work.image, skew)
    h, w = image.shape[:2]
    log.debug("page %d: skew %.2f°", work.page.index, skew)
    return work.evolve(image=image, skew=skew, width=w, height=h, stages=stages)
