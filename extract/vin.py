"""Chassis numbers: VINs (ISO 3779) checked and corrected by their grammar; old frame numbers kept.

A 17-character VIN never holds I, O or Q: each stands for one of few characters
(O: 0 or D, Q: 0; I: 1, for J weighs as much as 1 in the check digit, which cannot
tell them apart). When exactly one way of reading them passes the check
digit, that is the VIN (grammar, not a guess: the character read cannot stand there);
when several do, the VIN is doubted. A wrong check digit is otherwise flagged, never
"fixed" by trying confusions among allowed characters (mod 11 lets a wrong one pass).
A read one character too long whose first or last character is a smudge (the edge of
a rubbing) is cut when exactly one of the two cuts is a valid VIN, and doubted.
Shorter frame numbers of older vehicles, and the VIN suffixes printed on some
cards (``C630CY645859``), are accepted as they are and marked as not VINs.
"""

from __future__ import annotations

import itertools
import logging
import math

from extract.checked import Checked, reject
from extract.confusions import upper_compact
from sohoa.domain import vin as vinfacts

log = logging.getLogger(__name__)

#: I, O and Q (never in a VIN) as the characters they usually are
NO_IOQ = str.maketrans("IOQ", "100")
#: what a character that never stands in a VIN was, read by OCR (the first is the usual one)
READ_AS: dict[str, str] = {"I": "1", "O": "0D", "Q": "0"}
#: at most this many ways of reading I, O and Q are tried (beyond, the usual reading is kept)
MAX_READINGS = 256
NOT_VIN = "chassis: not a 17-character VIN (older frame number or VIN suffix)"


def _valid(text: str) -> bool:
    return vinfacts.is_valid_vin(text) and bool(vinfacts.model_years(text[9]))


def _readings(text: str) -> list[str]:
    """Every way of reading the I, O and Q in ``text`` as VIN characters (only the usual one when too many)."""
    options = [READ_AS.get(c, c) for c in text]
    if math.prod(len(o) for o in options) > MAX_READINGS:
        return [text.translate(NO_IOQ)]
    return ["".join(p) for p in itertools.product(*options)]


def _forced(text: str) -> tuple[str, list[str], bool]:
    """``text`` with I, O, Q read as VIN characters; the reasons; True when several readings are valid."""
    usual = text.translate(NO_IOQ)
    if usual == text:
        return text, [], False
    valid = [r for r in _readings(text) if _valid(r)]
    forced = valid[0] if len(valid) == 1 else usual
    corrections = sum(a != b for a, b in zip(text, forced, strict=True))
    if forced != usual:
        return forced, [f"chassis: {corrections} of I/O/Q read as {_changes(text, forced)} by the check digit"], False
    reasons = [f"chassis: {corrections} of I/O/Q read as 1/0/0 (not in VINs)"]
    if len(valid) > 1:
        reasons.append("chassis: I/O/Q can be read more than one way that passes the check digit")
    return forced, reasons, len(valid) > 1


def _changes(text: str, forced: str) -> str:
    return ", ".join(f"{a}→{b}" for a, b in zip(text, forced, strict=True) if a != b)


def _vin(text: str) -> Checked:
    forced, reasons, ambiguous = _forced(text)
    corrections = sum(a != b for a, b in zip(text, forced, strict=True))
    if ambiguous:
        return Checked(forced, tuple(reasons), corrections, doubt=True)
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
    if len(text.replace("-", "")) == 17:
        return _vin_in(text)
    if not 5 <= len(text.replace("-", "")) <= 20:
        return reject("chassis: too short or too long for a frame number")
    if len(text) == 18 and (cut := _edge_cut(text)) is not None:
        return cut
    if len(text) in (16, 18):
        return Checked(text, (NOT_VIN, "chassis: one character off a VIN's length"), doubt=True)
    return Checked(text, (NOT_VIN,))


def _vin_in(text: str) -> Checked:
    """A 17-character VIN, and ``text`` with a hyphen in it: a VIN never holds one (a stroke of a leader line)."""
    if "-" not in text:
        return _vin(text)
    vin = _vin(text.replace("-", ""))
    return Checked(vin.value, ("chassis: hyphen inside a VIN dropped", *vin.reasons), vin.corrections + 1, vin.doubt)


def _edge_cut(text: str) -> Checked | None:
    """An 18-character read whose first or last character (not both) is a smudge before a valid VIN."""
    cuts = [c for c in (text[1:], text[:-1]) if _valid(_forced(c)[0]) and not _forced(c)[2]]
    if len(set(cuts)) != 1:
        return None
    vin = _vin(cuts[0])
    why = "chassis: 18 characters read; one at an edge cut to make a valid VIN"
    return Checked(vin.value, (why, *vin.reasons), vin.corrections + 1, doubt=True)


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
