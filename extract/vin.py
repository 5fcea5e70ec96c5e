"""Chassis numbers: VINs (ISO 3779) checked and corrected by their grammar; old frame numbers kept.

A 17-character VIN never holds I, O or Q, so those become 1, 0, 0. A wrong check
digit is flagged, never "fixed" by trying confusions (mod 11 lets a wrong one pass).
Shorter frame numbers of older vehicles, and the VIN suffixes printed on some
cards (``C630CY645859``), are accepted as they are and marked as not VINs.
"""

from __future__ import annotations

import logging

from extract.checked import Checked, reject
from extract.confusions import upper_compact
from sohoa.domain import vin as vinfacts

log = logging.getLogger(__name__)

_NO_IOQ = str.maketrans("IOQ", "100")
NOT_VIN = "chassis: not a 17-character VIN (older frame number or VIN suffix)"


def _vin(text: str) -> Checked:
    forced = text.translate(_NO_IOQ)
    corrections = sum(a != b for a, b in zip(text, forced, strict=True))
    reasons = [f"chassis: {corrections} of I/O/Q read as 1/0/0 (not in VINs)"] if corrections else []
    if not vinfacts.is_vin_shaped(forced):
        return Checked(forced, (*reasons, "chassis: 17 characters but not the VIN alphabet"),
                       corrections, doubt=True)
    if not vinfacts.is_valid_vin(forced):
        # several single confusions often satisfy mod 11: flag, never pick one
        return Checked(forced, (*reasons, "chassis: VIN check digit does not match"), corrections, doubt=True)
    if not vinfacts.model_years(forced[9]):
        reasons.append("chassis: position 10 is no model-year character")
        return Checked(forced, tuple(reasons), corrections, doubt=True)
    return Checked(forced, tuple(reasons), corrections)


def normalize(raw: str) -> Checked:
    """Canonical chassis number: upper case, no spaces; a VIN checked and corrected."""
    tokens = [upper_compact(t, keep="-").strip("-") for t in raw.split()]
    vin_like = [t for t in tokens if len(t) == 17]
    # a VIN followed by the scraps of the next label ("RLH...667 MS") is the VIN
    text = vin_like[0] if len(vin_like) == 1 else upper_compact(raw, keep="-").strip("-")
    if not text:
        return reject("no chassis number read")
    if len(text) == 17:
        return _vin(text)
    if not 5 <= len(text.replace("-", "")) <= 20:
        return reject("chassis: too short or too long for a frame number")
    if len(text) in (16, 18):
        return Checked(text, (NOT_VIN, "chassis: one character off a VIN's length"), doubt=True)
    return Checked(text, (NOT_VIN,))


def is_vin(value: str | None) -> bool:
    """A canonical chassis number that is a valid VIN."""
    return value is not None and vinfacts.is_valid_vin(value)


def same_vehicle(a: str, b: str) -> bool:
    """Two chassis numbers name the same vehicle: equal, or one the suffix of the other (≥ 8 chars)."""
    a, b = upper_compact(a), upper_compact(b)
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 8 and long_.endswith(short)
