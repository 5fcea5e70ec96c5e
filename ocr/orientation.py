"""Orientation: turn pages scanned sideways or upside down (90/180/270) upright.

Evidence is combined because none is reliable alone:

1. the axis of the text lines (0/180 against 90/270) from the projection profile of
   the ink (text lines make the profile across them peaked, the one along them flat);
2. Tesseract's orientation detection (OSD), taken when it is confident and agrees
   with that axis;
3. otherwise, Tesseract reads the page (downscaled) in the two orientations of that
   axis and the one with the higher mean word confidence wins — upside-down text
   reads as garbage with low confidence, in Vietnamese as in English.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

from ocr import tesseract
from ocr.deskew import best_angle, downscale, ink_points, to_gray
from sohoa.context import StageContext
from sohoa.errors import ToolError
from sohoa.model import PageWork

log = logging.getLogger(__name__)

OSD_SURE = 3.0  # OSD confidence above which its answer is taken (when it agrees with the line axis)
AXIS_SURE = 1.5  # ratio of the two axes' profile scores above which the line axis is clear
READ_DPI = 150  # resolution of the copy read to compare candidate orientations


def turn(image: np.ndarray, clockwise: int) -> np.ndarray:
    """``image`` turned clockwise by a multiple of 90 degrees (a new contiguous array)."""
    return np.ascontiguousarray(np.rot90(image, k=-(clockwise // 90) % 4))


def line_axis(gray: np.ndarray) -> tuple[str, float] | None:
    """("horizontal" | "vertical", clarity ratio >= 1) of the text lines, or None without text."""
    points = ink_points(gray)
    if points is None:
        return None
    across = best_angle(points)[1]
    along = best_angle(points.transposed())[1]
    if min(across, along) <= 0:
        return None
    axis = "horizontal" if across >= along else "vertical"
    return axis, max(across, along) / min(across, along)


def _osd(gray: np.ndarray, dpi: int, ctx: StageContext) -> tuple[int, float] | None:
    try:
        return tesseract.detect_orientation(gray, ctx.tesseract_timeout, dpi=dpi)
    except ToolError as e:
        log.debug("OSD gave no answer: %s", e)
        return None


def _by_reading(gray: np.ndarray, dpi: int, candidates: tuple[int, int], ctx: StageContext) -> int:
    """The candidate rotation whose reading has the higher mean word confidence."""
    scale = min(1.0, READ_DPI / dpi)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    scores = {}
    for rotation in candidates:
        conf, words = tesseract.word_confidence(
            turn(small, rotation), lang=ctx.languages, dpi=round(dpi * scale), timeout=ctx.tesseract_timeout
        )
        scores[rotation] = conf if words else 0.0
    log.debug("orientation by reading: %s", scores)
    return max(candidates, key=lambda r: scores[r])


def find_rotation(image: np.ndarray, dpi: int, ctx: StageContext) -> int:
    """Clockwise degrees (0, 90, 180, 270) that make the page upright; 0 for a page without text."""
    gray = downscale(to_gray(image))
    dpi_small = max(1, round(dpi * gray.shape[0] / image.shape[0]))
    axis = line_axis(gray)
    if axis is None:
        return 0
    direction, clarity = axis
    candidates = (0, 180) if direction == "horizontal" else (90, 270)
    osd = _osd(gray, dpi_small, ctx)
    if osd is not None:
        rotation, confidence = osd
        if confidence >= OSD_SURE and (rotation in candidates or clarity < AXIS_SURE):
            return rotation
        log.debug("OSD %s° at confidence %.1f not taken (line axis %s)", rotation, confidence, direction)
    return _by_reading(gray, dpi_small, candidates, ctx)


def upright(work: PageWork, ctx: StageContext) -> PageWork:
    """Turn the page upright (by 0/90/180/270° clockwise) and record the rotation applied."""
    rotation = find_rotation(work.image, work.page.dpi, ctx)
    stages = (*work.page.stages, "upright")
    if rotation == 0:
        return work.evolve(stages=stages)
    image = turn(work.image, rotation)
    log.debug("page %d turned %d° clockwise", work.page.index, rotation)
    h, w = image.shape[:2]
    rotation_total = (work.page.rotation + rotation) % 360
    return work.evolve(image=image, rotation=rotation_total, width=w, height=h, stages=stages)
