"""Owner ID numbers: 12-digit CCCD (structure checked) or 9-digit CMND; every position a digit."""

from __future__ import annotations

import logging

from extract.checked import Checked, reject
from extract.confusions import DIGITS, fit, upper_compact
from sohoa.domain.cccd import parse_cccd

log = logging.getLogger(__name__)


def normalize(raw: str) -> Checked:
    """Canonical ID number (digits only), with OCR confusions fixed (every position is a digit)."""
    tokens = [upper_compact(t) for t in raw.split()]
    sized = [t for t in tokens if len(t) in (9, 12)]
    # the number followed by the scraps of the next label ("049195405944 Loai giay") is the number
    text = sized[0] if len(sized) == 1 and len(tokens) > 1 else upper_compact(raw)
    if not text:
        return reject("no ID number read")
    fitted = fit(text, (DIGITS,) * len(text))
    if fitted is None:
        return reject("ID number: letters where only digits stand")
    digits, corrections = fitted
    reasons = [f"ID number: {corrections} character(s) read as digits"] if corrections else []
    if len(digits) == 12:
        if parse_cccd(digits) is None:
            return Checked(digits, (*reasons, "ID number: first three digits are no province code"),
                           corrections, doubt=True)
        return Checked(digits, tuple(reasons), corrections)
    if len(digits) == 9:
        return Checked(digits, (*reasons, "ID number: 9-digit CMND (no structure to check)"), corrections, info=1)
    return reject(f"ID number: {len(digits)} digits, expected 12 (CCCD) or 9 (CMND)")
