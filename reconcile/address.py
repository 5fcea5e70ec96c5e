"""Addresses: parsed into street / commune / province and expressed in the units in force since 1 July 2025.

The administrative data (63 and 34 provinces, old and new communes, the old-to-new conversion)
comes from the maintained package ``vietnamadminunits``: no table is written here. Its own
``convert_address`` geocodes over the network when an old commune was divided; we never call it
with a street and instead keep *every* new commune a divided old one became, so the comparison
asks "do the two addresses share a current commune?" without any traffic.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from reconcile.keys import plain_key, text_key

log = logging.getLogger(__name__)

#: district-level words of a pre-2025 address (compared without diacritics)
_DISTRICT_PREFIXES = ("quan ", "huyen ", "thi xa ", "thanh pho ", "q.", "h.", "tx.", "tx ", "tp.", "tp ")
#: any unit word (province, district, commune)
_UNIT_PREFIXES = (
    *_DISTRICT_PREFIXES,
    "phuong ",
    "xa ",
    "thi tran ",
    "dac khu ",
    "tinh ",
    "p.",
    "x.",
    "tt.",
    "tt ",
)
_STREET_NOISE = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class ParsedAddress:
    """An address in current units: province and the current communes it can be in, plus its street."""

    text: str
    street: str
    province_code: str | None
    province: str | None
    ward_codes: frozenset[str]
    ward: str | None
    legacy: bool

    @property
    def recognised(self) -> bool:
        """True when at least the province was found."""
        return self.province_code is not None


def _parts(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


@lru_cache(maxsize=131072)
def _plain_part(part: str) -> str:
    """:func:`plain_key` of one comma-separated part (administrative names repeat: cached)."""
    return plain_key(part)


def _is_legacy(plain_parts: list[str]) -> bool:
    """A district-level unit before the province marks a pre-2025 address."""
    return any(p.startswith(_DISTRICT_PREFIXES) for p in plain_parts[:-1])


def split_address(text: str) -> tuple[str, str, bool]:
    """``(street, administrative part, legacy)`` of ``street, commune, [district,] province``."""
    parts = _parts(text)
    if not parts:
        return "", "", False
    plain = [_plain_part(p) for p in parts]
    legacy = _is_legacy(plain)
    n = len(parts) - 1
    if any(p.startswith(_UNIT_PREFIXES) for p in plain[:-1]):
        while n > 0 and plain[n - 1].startswith(_UNIT_PREFIXES):
            n -= 1
    else:
        n = max(0, len(parts) - (3 if legacy else 2))
    return ", ".join(parts[:n]), ", ".join(parts[n:]), legacy


@lru_cache(maxsize=1)
def _conversion() -> tuple[dict[str, str], dict[str, str], dict[str, tuple[str, ...]]]:
    """Old province key -> new; old ``province_district_ward`` key -> new ward key(s)."""
    from vietnamadminunits.converter import converter_2025 as conv

    provinces = {old: new for new, olds in conv.DICT_PROVINCE.items() for old in olds}
    whole = {
        old: ward
        for wards in conv.DICT_PROVINCE_WARD_NO_DIVIDED.values()
        for ward, olds in wards.items()
        for old in olds
    }
    divided = {
        old: tuple(w["newWardKey"] for w in news)
        for per_province in conv.DICT_PROVINCE_WARD_DIVIDED.values()
        for old, news in per_province.items()
    }
    return provinces, whole, divided


@lru_cache(maxsize=65536)
def _current(admin: str) -> tuple[str | None, str | None, frozenset[str], str | None]:
    """Parse a current (2025) administrative part: province code, name, ward codes, ward name."""
    from vietnamadminunits import parse_address

    unit = parse_address(admin, mode="FROM_2025", keep_street=False, level=2)
    wards = frozenset({unit.ward_code}) if unit.ward_code else frozenset()
    return unit.province_code, unit.province, wards, unit.ward


@lru_cache(maxsize=65536)
def _converted(admin: str) -> tuple[str | None, str | None, frozenset[str], str | None]:
    """Parse a pre-2025 administrative part and express it in current units."""
    from vietnamadminunits import parse_address

    old = parse_address(admin, mode="LEGACY", keep_street=False, level=3)
    provinces, whole, divided = _conversion()
    new_province = provinces.get(old.province_key or "")
    if new_province is None:
        return None, None, frozenset(), None
    key = f"{old.province_key}_{old.district_key}_{old.ward_key or ''}"
    new_wards = (whole[key],) if key in whole else divided.get(key, ()) if old.ward_key else ()
    codes: set[str] = set()
    names: list[str] = []
    province_code = province = None
    for ward_key in new_wards or ("",):
        code, province, ward_codes, ward = _current(f"{ward_key},{new_province}" if ward_key else new_province)
        province_code = code
        codes |= ward_codes
        if ward:
            names.append(ward)
    return province_code, province, frozenset(codes), names[0] if names else None


@lru_cache(maxsize=8192)
def parse(text: str | None) -> ParsedAddress:
    """Parse an address (NFC text) into current units; unknown parts stay ``None``."""
    text = text or ""
    street, admin, legacy = split_address(text)
    resolve = _converted if legacy else _current
    province_code, province, wards, ward = resolve(admin) if admin else (None, None, frozenset(), None)
    return ParsedAddress(
        text=text,
        street=street,
        province_code=province_code,
        province=province,
        ward_codes=wards,
        ward=ward,
        legacy=legacy,
    )


def _street_key(street: str, *, plain: bool) -> str:
    key = plain_key(street) if plain else text_key(street)
    return _STREET_NOISE.sub(" ", key.removeprefix("so ").removeprefix("số ")).strip()


def compare(paper: ParsedAddress, electronic: ParsedAddress) -> tuple[str | None, tuple[str, ...]]:
    """Compare two addresses: ``(reason of the difference or None, notes)``.

    The reason says "moved" when the current province or commune differ; an old address of
    the same place gets the note "renamed by the 2025 reform" instead.
    """
    if text_key(paper.text) == text_key(electronic.text):
        return None, ()
    if not (paper.recognised and electronic.recognised):
        return _compare_text(paper.text, electronic.text, "address not recognised")
    if paper.province_code != electronic.province_code:
        return "moved: different province", ()
    notes: list[str] = []
    if paper.ward_codes and electronic.ward_codes:
        if not paper.ward_codes & electronic.ward_codes:
            return "moved: different commune", ()
    elif paper.ward_codes or electronic.ward_codes:
        notes.append("commune known on one side only")
    if paper.legacy != electronic.legacy:
        notes.append("renamed by the 2025 reform")
    reason, street_notes = _compare_streets(paper.street, electronic.street)
    return reason, (*notes, *street_notes)


def _compare_streets(a: str, b: str) -> tuple[str | None, tuple[str, ...]]:
    if not a or not b:
        return None, (("street on one side only",) if a or b else ())
    if _street_key(a, plain=False) == _street_key(b, plain=False):
        return None, ()
    if _street_key(a, plain=True) == _street_key(b, plain=True):
        return None, ("street same without diacritics",)
    return "different street or house number", ()


def _compare_text(a: str, b: str, what: str) -> tuple[str | None, tuple[str, ...]]:
    if text_key(a) == text_key(b):
        return None, ()
    if plain_key(a) == plain_key(b):
        return None, ("same without diacritics",)
    return f"different address ({what})", ()
