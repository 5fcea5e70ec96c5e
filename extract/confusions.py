"""OCR confusions in identifier fields, fixed only where a grammar fixes a position's class.

A position that may hold only digits turns ``O D Q → 0``, ``I L → 1``, ``S → 5``,
``B → 8``, ``Z → 2``, ``G → 6``; a position that may hold only letters of a given
alphabet takes the one letter of that alphabet a digit is confused with, and is
left alone (the template fails) when that letter is not unique. Nothing is
changed where both a letter and a digit may stand.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence

log = logging.getLogger(__name__)

DIGITS = "0123456789"
#: letter (or look-alike symbol) -> the digit it is mistaken for
TO_DIGIT: dict[str, str] = {
    "O": "0", "D": "0", "Q": "0", "I": "1", "L": "1", "|": "1", "!": "1",
    "S": "5", "B": "8", "Z": "2", "G": "6",
}
#: digit -> the letters it is mistaken for
TO_LETTERS: dict[str, str] = {
    "0": "ODQ", "1": "IL", "7": "IL", "5": "S", "8": "B", "2": "Z", "6": "G",
    "D": "Đ", "Đ": "D",
}


def to_digit(c: str) -> str | None:
    """``c`` as a digit: itself, its confusable digit, or None."""
    return c if c in DIGITS else TO_DIGIT.get(c)


def to_letter(c: str, alphabet: str) -> str | None:
    """``c`` as a letter of ``alphabet``: itself, the one confusable letter there, or None."""
    if c in alphabet:
        return c
    options = [x for x in TO_LETTERS.get(c, "") if x in alphabet]
    return options[0] if len(options) == 1 else None


def fit(text: str, classes: Sequence[str]) -> tuple[str, int] | None:
    """Fit ``text`` to a template of per-position alphabets, fixing confusions.

    ``classes[i]`` is the set of characters position ``i`` may hold. Returns
    (fitted text, number of characters changed), or None when a position cannot
    be fitted without guessing. ``text`` must already be compact (no separators).
    """
    if len(text) != len(classes):
        return None
    out: list[str] = []
    changed = 0
    for c, allowed in zip(text, classes, strict=True):
        if c in allowed:
            out.append(c)
            continue
        if all(a in DIGITS for a in allowed):
            fixed = to_digit(c)
            fixed = fixed if fixed is not None and fixed in allowed else None
        elif not any(a in DIGITS for a in allowed):
            fixed = to_letter(c, allowed)
        else:
            fixed = None
        if fixed is None:
            return None
        out.append(fixed)
        changed += 1
    return "".join(out), changed


def upper_compact(text: str, keep: str = "") -> str:
    """NFC, upper case, only ``A-Z``, ``0-9``, ``Đ`` and the characters in ``keep``."""
    up = unicodedata.normalize("NFC", text).upper()
    return "".join(c for c in up if ("A" <= c <= "Z") or ("0" <= c <= "9") or c == "Đ" or c in keep)
