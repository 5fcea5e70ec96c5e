"""Licence-plate grammar: locality codes, series, order numbers, canonical form.

Grammars (``shared/domain.md`` §2), over the compacted plate (upper case, only
``A-Z 0-9 Đ``):

- car: locality + series of 1-2 letters + 4 digits (old) or 5 digits: ``29A-123.45``, ``29A-1234``;
- motorcycle: locality + series (letter + digit 1-9, two letters, ``MĐ`` + digit) + 4-5 digits:
  ``29-B1 123.45``, ``29-HA 002.33``, ``29-MĐ1 013.53``;
- special series (LD, DA, KT, MK, MĐ, TĐ, HC, CD, R), written like cars: ``29LD-123.45``;
- foreign: locality + optional 3-digit country code + NG/QT/NN/CV + order: ``41-291-NG-01``;
- temporary: ``T`` + locality + 5 digits: ``T29-123.45``.

Order number 0 does not exist. A two-letter series is ambiguous between car and
motorcycle: the printed hyphen (``29-AA`` vs ``29AA-``) or the vehicle class decides.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from sohoa.domain.provinces import OLD_PROVINCE_FOR_PLATE, PROVINCE_FOR_PLATE, OldProvince, Province

log = logging.getLogger(__name__)

PlateKind = Literal["car", "motorcycle", "special", "foreign", "temporary"]
VehicleClass = Literal["car", "motorcycle"]

#: series letters of civil plates (no I, J, O, Q, R, W)
SERIES_LETTERS = "ABCDEFGHKLMNPSTUVXYZ"
LOC = r"(1[124-9]|2\d|3\d|4[01]|43|4[7-9]|[5-7]\d|8[0-6]|8[89]|90|9[2-5]|9[7-9])"
_L = "[A-HK-NPS-VXYZ]"
CAR_RE = re.compile(rf"^{LOC}({_L}{{1,2}})(\d{{4,5}})$")
MOTO_RE = re.compile(rf"^{LOC}({_L}[1-9]|{_L}{{2}}|MĐ[1-9])(\d{{4,5}})$")
SPECIAL_RE = re.compile(rf"^{LOC}(LD|DA|KT|MK|MĐ|TĐ|HC|CD|R)(\d{{4,5}})$")
FOREIGN_RE = re.compile(rf"^{LOC}(\d{{3}})?(NG|QT|NN|CV)(\d{{2,5}})$")
TEMP_RE = re.compile(rf"^T{LOC}(\d{{5}})$")
SPECIAL_SERIES = frozenset({"LD", "DA", "KT", "MK", "MĐ", "TĐ", "HC", "CD", "R"})


@dataclass(frozen=True)
class PlateInfo:
    """A parsed plate. ``order`` keeps its digits as printed (``"00233"``)."""

    locality: str
    series: str
    order: str
    kind: PlateKind
    country: str | None = None

    @property
    def province(self) -> Province | None:
        """The current (post-2025) province of the locality code."""
        return PROVINCE_FOR_PLATE.get(self.locality)

    @property
    def old_province(self) -> OldProvince | None:
        """The pre-2025 province of the locality code."""
        return OLD_PROVINCE_FOR_PLATE.get(self.locality)


def compact(text: str) -> str:
    """Upper case, NFC, only ``A-Z 0-9 Đ`` kept (``'29-b1 123.45'`` → ``'29B112345'``)."""
    up = unicodedata.normalize("NFC", text).upper()
    return "".join(c for c in up if ("A" <= c <= "Z") or ("0" <= c <= "9") or c == "Đ")


def _hint(text: str) -> VehicleClass | None:
    """The class the printed separator suggests: ``29-B1`` motorcycle, ``29A-``/``29A 1`` car."""
    up = unicodedata.normalize("NFC", text).upper().strip()
    if re.match(r"^T?\d{2}\s*[-–—]", up):
        return "motorcycle"
    if re.match(r"^\d{2}[A-ZĐ]{1,2}(\s*[-–—]|\s+\d)", up):
        return "car"
    return None


def plate_candidates(text: str) -> list[PlateInfo]:
    """Every reading of ``text`` the grammars allow (order 0 rejected), most specific first."""
    s = compact(text)
    out: list[PlateInfo] = []
    if m := TEMP_RE.match(s):
        out.append(PlateInfo(m.group(1), "T", m.group(2), "temporary"))
    if m := FOREIGN_RE.match(s):
        out.append(PlateInfo(m.group(1), m.group(3), m.group(4), "foreign", country=m.group(2)))
    if m := MOTO_RE.match(s):
        out.append(PlateInfo(m.group(1), m.group(2), m.group(3), "motorcycle"))
    if m := SPECIAL_RE.match(s):
        out.append(PlateInfo(m.group(1), m.group(2), m.group(3), "special"))
    if (m := CAR_RE.match(s)) and m.group(2) not in SPECIAL_SERIES:
        out.append(PlateInfo(m.group(1), m.group(2), m.group(3), "car"))
    return [p for p in out if int(p.order) != 0]


def parse_plate(text: str, vehicle_class: VehicleClass | None = None) -> PlateInfo | None:
    """Parse a plate as printed (any spacing, hyphens, dots), or None if no grammar fits.

    Where car and motorcycle readings both fit, the printed hyphen decides, then
    ``vehicle_class``, then the motorcycle reading of a letter+digit series.
    """
    cands = plate_candidates(text)
    if not cands:
        return None
    prefer = _hint(text) or vehicle_class
    if prefer is not None:
        for c in cands:
            if c.kind == prefer or (prefer == "car" and c.kind == "special"):
                return c
    return cands[0]


def _order(order: str) -> str:
    return f"{order[:3]}.{order[3:]}" if len(order) == 5 else order


def format_plate(info: PlateInfo) -> str:
    """The canonical form of a plate.

    ``29A-123.45``, ``29A-1234``, ``29-B1 123.45``, ``T29-123.45``, ``41-291-NG-01``.
    """
    if info.kind == "motorcycle":
        return f"{info.locality}-{info.series} {_order(info.order)}"
    if info.kind == "temporary":
        return f"T{info.locality}-{_order(info.order)}"
    if info.kind == "foreign":
        country = f"{info.country}-" if info.country else ""
        return f"{info.locality}-{country}{info.series}-{info.order}"
    return f"{info.locality}{info.series}-{_order(info.order)}"


def canonical_plate(text: str, vehicle_class: VehicleClass | None = None) -> str | None:
    """Parse and format in one step, or None."""
    info = parse_plate(text, vehicle_class)
    return format_plate(info) if info else None
