"""Plate numbers: grammar-only correction of OCR confusions, canonical form.

The compact plate is fitted to each plate template (locality digits, series
letters, order digits); the reading that needs the fewest corrections wins, the
printed hyphen or the vehicle class breaking ties. A plate that fits no template
has no value.
"""

from __future__ import annotations

import logging
import re

from extract.checked import Checked, reject
from extract.confusions import DIGITS, fit, upper_compact
from sohoa.domain import plates
from sohoa.domain.plates import PlateInfo, VehicleClass

log = logging.getLogger(__name__)

_D = DIGITS
_N = "123456789"
_L = plates.SERIES_LETTERS


def _templates() -> list[tuple[str, tuple[str, ...], int]]:
    """(kind, per-position alphabets, series length) of the civil plate shapes we correct."""
    out: list[tuple[str, tuple[str, ...], int]] = []
    for order in (4, 5):
        tail = (_D,) * order
        out.append(("car", (_D, _D, _L, *tail), 1))
        out.append(("car", (_D, _D, _L, _L, *tail), 2))
        out.append(("motorcycle", (_D, _D, _L, _N, *tail), 2))
        out.append(("motorcycle", (_D, _D, _L, _L, *tail), 2))
        out.append(("motorcycle", (_D, _D, "M", "Đ", _N, *tail), 3))
    out.append(("temporary", ("T", _D, _D, *(_D,) * 5), 0))
    return out


TEMPLATES = _templates()


def _info(kind: str, text: str, series_len: int) -> PlateInfo | None:
    info: PlateInfo | None
    if kind == "temporary":
        info = PlateInfo(text[1:3], "T", text[3:], "temporary")
    else:
        loc, series, order = text[:2], text[2:2 + series_len], text[2 + series_len:]
        info = plates.parse_plate(f"{loc}{series}-{order}" if kind == "car" else f"{loc}-{series} {order}")
    return info if info is not None and int(info.order) != 0 else None


def _candidates(compact: str) -> list[tuple[int, PlateInfo]]:
    out: list[tuple[int, PlateInfo]] = []
    for kind, classes, series_len in TEMPLATES:
        fitted = fit(compact, classes)
        if fitted is None:
            continue
        info = _info(kind, fitted[0], series_len)
        if info is not None:
            out.append((fitted[1], info))
    return out


def _hint(raw: str) -> VehicleClass | None:
    up = raw.upper().strip()
    if re.match(r"^T?\s*\w{2}\s*[-–—]", up):
        return "motorcycle"
    if re.match(r"^\w{2}\s*\w{1,2}\s*[-–—]", up):
        return "car"
    return None


def _shape(text: str) -> tuple[int, ...]:
    """Lengths of the groups between hyphens and spaces (dots and commas ignored)."""
    groups = re.split(r"[\s\-–—]+", re.sub(r"[.,·]", "", text.strip()))
    return tuple(len(upper_compact(g)) for g in groups if upper_compact(g))


def _score(raw: str, raw_shape: tuple[int, ...], corrections: int, info: PlateInfo,
           vehicle_class: VehicleClass | None) -> float:
    """Corrections, plus smaller penalties where the printed layout or the vehicle type disagree.

    A separator OCR dropped or moved weighs less than a character changed.
    """
    penalty = 0.0
    if len(raw_shape) > 1 and _shape(plates.format_plate(info)) != raw_shape:
        penalty += 0.75
    if re.search(r"\d\s*[.,]\s*\w{2}\s*$", raw) and len(info.order) != 5:  # "123.45": five digits
        penalty += 0.75
    if vehicle_class and info.kind in ("car", "motorcycle") and info.kind != vehicle_class:
        penalty += 1.0
    return corrections + penalty


def normalize(raw: str, vehicle_class: VehicleClass | None = None) -> Checked:
    """Canonical plate (``29A-123.45``, ``29-B1 123.45``) from printed or OCR'd text."""
    compact = upper_compact(raw)
    if not compact:
        return reject("no plate number read")
    cands = [(0, info) for info in plates.plate_candidates(raw)] + _candidates(compact)
    if not cands:
        return reject("does not fit any plate grammar")
    shape = _shape(raw)
    scored = [(_score(raw, shape, c, info, vehicle_class), c, info) for c, info in cands]
    best = min(s for s, _, _ in scored)
    top = [(c, info) for s, c, info in scored if s == best]
    prefer = _hint(raw) or vehicle_class
    kinds = {prefer, "special"} if prefer == "car" else {prefer}
    preferred = [(c, i) for c, i in top if i.kind in kinds]
    corrections, chosen = (preferred or top)[0]
    forms = {plates.format_plate(i) for _, i in top}
    reasons = [f"plate: {corrections} character(s) corrected by the plate grammar"] if corrections else []
    doubt = len(forms) > 1 and prefer is None
    if doubt:
        reasons.append("plate: car or motorcycle reading ambiguous")
    if vehicle_class and chosen.kind in ("car", "motorcycle") and chosen.kind != vehicle_class:
        doubt = True
        reasons.append(f"plate: a {chosen.kind} plate, but the vehicle type says {vehicle_class}")
    return Checked(plates.format_plate(chosen), tuple(reasons), corrections=corrections, doubt=doubt)


def locality(value: str) -> str | None:
    """The 2-digit locality code of a canonical plate."""
    info = plates.parse_plate(value)
    return info.locality if info else None
