"""VIN facts (ISO 3779): alphabet, check digit, model-year character, makers (WMI).

The check digit (position 9) is required in North America and soft elsewhere;
Vietnamese makers we know of (Honda, Yamaha VN) do compute it. Position 10 is the
model year on a 30-year cycle. Source: ``shared/domain.md`` §4.
"""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

#: the 33 characters a VIN may hold (no I, O, Q)
VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")

_TRANSLIT: dict[str, int] = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)

#: model-year characters in order, 30 per cycle (no I, O, Q, U, Z, 0)
YEAR_CHARS = "ABCDEFGHJKLMNPRSTVWXY123456789"
_YEAR_BASE = 1980  # 'A' = 1980, 2010, 2040

#: World Manufacturer Identifiers of makers in Vietnam -> (maker, brand printed on papers)
WMI: dict[str, tuple[str, str]] = {
    "RLH": ("Honda Vietnam", "HONDA"),
    "RLC": ("Yamaha Motor Vietnam", "YAMAHA"),
    "RL4": ("Toyota Motor Vietnam", "TOYOTA"),
    "RLL": ("VinFast", "VINFAST"),
    "RP8": ("Piaggio Vietnam", "PIAGGIO"),
    "RLA": ("Vina Star Motors (Mitsubishi)", "MITSUBISHI"),
    "RLE": ("Isuzu Vietnam", "ISUZU"),
    "RL0": ("Ford Vietnam", "FORD"),
    "RLM": ("Mercedes-Benz Vietnam", "MERCEDES-BENZ"),
    "RLV": ("Vietnam Precision Industrial", "VPIC"),
}

#: brands that share a maker's WMI (a Vespa is a Piaggio)
BRAND_ALIASES: dict[str, str] = {"VESPA": "PIAGGIO", "MERCEDES": "MERCEDES-BENZ"}


def check_digit(vin: str) -> str:
    """The ISO 3779 check digit ('0'-'9' or 'X') of a 17-character VIN.

    Position 9 itself is ignored (weight 0). Raises ``ValueError`` for a string
    that is not 17 characters of the VIN alphabet.
    """
    vin = vin.upper()
    if len(vin) != 17 or any(c not in _TRANSLIT for c in vin):
        raise ValueError("not a 17-character VIN of the VIN alphabet")
    total = sum(_TRANSLIT[c] * w for c, w in zip(vin, _WEIGHTS, strict=True))
    rem = total % 11
    return "X" if rem == 10 else str(rem)


def with_check_digit(vin: str) -> str:
    """``vin`` with position 9 replaced by its correct check digit."""
    return vin[:8] + check_digit(vin) + vin[9:]


def is_vin_shaped(text: str) -> bool:
    """17 characters of the VIN alphabet (check digit not checked)."""
    return bool(VIN_RE.fullmatch(text))  # fullmatch: "$" alone lets a trailing newline through


def is_valid_vin(text: str) -> bool:
    """VIN-shaped and with the right check digit."""
    return is_vin_shaped(text) and text[8] == check_digit(text)


def model_year_char(year: int) -> str:
    """The position-10 character for a model year (2010 → 'A', 2025 → 'S', 2031 → '1')."""
    return YEAR_CHARS[(year - _YEAR_BASE) % 30]


def model_years(char: str) -> tuple[int, ...]:
    """Model years a position-10 character may mean, 1980-2069 (``'S'`` → (1995, 2025, 2055))."""
    i = YEAR_CHARS.find(char.upper()) if len(char) == 1 else -1
    if i < 0:
        return ()
    return tuple(_YEAR_BASE + i + 30 * k for k in range(3))


def wmi(vin: str) -> str:
    """The World Manufacturer Identifier (first three characters)."""
    return vin[:3].upper()


def maker_for_wmi(code: str) -> str | None:
    """The maker known for a WMI (``'RLH'`` → 'Honda Vietnam'), or None."""
    entry = WMI.get(code[:3].upper())
    return entry[0] if entry else None


def brand_for_wmi(code: str) -> str | None:
    """The brand printed on papers for a WMI (``'RLC'`` → 'YAMAHA'), or None."""
    entry = WMI.get(code[:3].upper())
    return entry[1] if entry else None


def canonical_brand(brand: str) -> str:
    """Upper-case brand with known aliases folded (``'Vespa'`` → 'PIAGGIO')."""
    b = " ".join(brand.upper().split())
    return BRAND_ALIASES.get(b, b)
