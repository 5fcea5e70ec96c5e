"""CCCD (12-digit citizen ID) structure: ``PPP G YY RRRRRR``.

PPP is the province of birth registration (one of the 63 pre-2025 codes; numbers
already issued never change), G the century and sex (1900s male 0 / female 1,
2000s 2/3, 2100s 4/5 ...), YY the last two digits of the birth year, R a serial.
The old CMND has 9 digits and no known structure. Source: ``shared/domain.md`` §3.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sohoa.domain.provinces import OLD_BY_CODE, PROVINCES

log = logging.getLogger(__name__)

# ASCII digits only, matched whole (``fullmatch``): ``$`` would also accept a trailing newline, and
# ``\d`` any script's digits.
CCCD_RE = re.compile(r"(0[0-9]{2})([0-9])([0-9]{2})([0-9]{6})")
CMND_RE = re.compile(r"[0-9]{9}")

#: the 63 pre-2025 province codes a CCCD may start with
OLD_PROVINCE_CODES: frozenset[str] = frozenset(OLD_BY_CODE)
#: the 34 post-2025 province codes
NEW_PROVINCE_CODES: frozenset[str] = frozenset(p.code for p in PROVINCES)
#: every code a CCCD issued in Vietnam may start with
PROVINCE_CODES: frozenset[str] = OLD_PROVINCE_CODES | NEW_PROVINCE_CODES


@dataclass(frozen=True)
class CccdInfo:
    """What a CCCD number says about its holder."""

    province_code: str
    birth_year: int
    female: bool
    serial: str


def century_sex_digit(year: int, female: bool) -> int:
    """Digit 4 of a CCCD for a birth year and sex (1990, female → 1; 2003, male → 2)."""
    if not 1900 <= year <= 2399:
        raise ValueError("birth year outside the CCCD scheme (1900-2399)")
    return 2 * ((year // 100) - 19) + int(female)


def parse_cccd(text: str) -> CccdInfo | None:
    """Decode a 12-digit CCCD, or None when it is not one (wrong shape or province code)."""
    m = CCCD_RE.fullmatch(text)
    if m is None or m.group(1) not in PROVINCE_CODES:
        return None
    g = int(m.group(2))
    year = (19 + g // 2) * 100 + int(m.group(3))
    return CccdInfo(province_code=m.group(1), birth_year=year, female=bool(g % 2), serial=m.group(4))


def make_cccd(province_code: str, year: int, female: bool, serial: int) -> str:
    """Compose a CCCD from its parts (serial 0-999999)."""
    if province_code not in PROVINCE_CODES:
        raise ValueError("unknown province code")
    if not 0 <= serial <= 999_999:
        raise ValueError("serial outside 0-999999")
    return f"{province_code}{century_sex_digit(year, female)}{year % 100:02d}{serial:06d}"


def is_cmnd(text: str) -> bool:
    """Nine digits (the old CMND)."""
    return bool(CMND_RE.fullmatch(text))
